using HsmVault.Keys;
using HsmVault.Objects;

namespace HsmVault.Fuzz;

/// <summary>A <c>.byok</c> key transfer blob (the file's JSON, as it arrives base64url-encoded in <c>key.key_hsm</c>).</summary>
public static class ByokTarget
{
    public static void Run(byte[] input) => FuzzTargets.Refusable(() => Check(KeyTransferBlob.Parse(WireBytes.Encode(input))));

    /// <summary>What the import reads of a parsed blob before the HSM: the key exchange key's name, version and host.</summary>
    public static void Check(KeyTransferBlob blob)
    {
        if (ObjectNames.IsValidName(blob.KekName) && ObjectNames.IsValidVersion(blob.KekVersion)) _ = blob.KekVersion.ToLowerInvariant();
        _ = blob.KekId.Host.Length + blob.KekId.Port + blob.Ciphertext.Length;
    }
}
