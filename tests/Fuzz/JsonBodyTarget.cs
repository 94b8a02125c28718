using HsmVault.Http;
using HsmVault.Keys;
using HsmVault.Management;
using HsmVault.Objects;
using HsmVault.Secrets;

namespace HsmVault.Fuzz;

/// <summary>
/// A JSON request body read as the type an endpoint reads it as (<see cref="JsonBody"/>): the first byte picks the type,
/// the rest is the body. Base64url fields of a key operation are decoded as the operation would.
/// </summary>
public static class JsonBodyTarget
{
    private static readonly Action<byte[]>[] Types =
    [
        b => JsonBody.Parse<KeyCreateParameters>(b),
        b => JsonBody.Parse<KeyImportParameters>(b),
        b => JsonBody.Parse<KeyUpdateParameters>(b),
        b => Decode(JsonBody.Parse<KeyOperationParameters>(b)),
        b => WireBytes.Decode(JsonBody.Parse<KeySignParameters>(b).Value, "value"),
        b => JsonBody.Parse<KeyVerifyParameters>(b),
        b => JsonBody.Parse<KeyRotationPolicyWire>(b),
        b => JsonBody.Parse<RandomBytesParameters>(b),
        b => JsonBody.Parse<BackupRestoreParameters>(b),
        b => JsonBody.Parse<SecretSetParameters>(b),
        b => JsonBody.Parse<SecretUpdateParameters>(b),
        b => JsonBody.Parse<VaultPutParameters>(b),
        b => JsonBody.Parse<AccessPolicyWire>(b),
    ];

    public static void Run(byte[] input)
    {
        if (input.Length == 0) return;
        var parse = Types[input[0] % Types.Length];
        FuzzTargets.Refusable(() => parse(input[1..]));
    }

    private static void Decode(KeyOperationParameters p)
    {
        WireBytes.Decode(p.Value, "value");
        WireBytes.DecodeOptional(p.Iv, "iv");
        WireBytes.DecodeOptional(p.Aad, "aad");
        WireBytes.DecodeOptional(p.Tag, "tag");
    }
}
