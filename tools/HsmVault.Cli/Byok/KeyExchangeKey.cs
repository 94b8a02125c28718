using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace HsmVault.Cli.Byok;

/// <summary>The vault's KEK as the customer's side needs it: its kid (with version) and RSA public key.</summary>
internal sealed record KeyExchangeKey(string Kid, byte[] Modulus, byte[] Exponent)
{
    /// <summary>Reads the KEK from the vault and checks that it is one (RSA, key_ops exactly ["import"]).</summary>
    public static async Task<KeyExchangeKey> FromVaultAsync(VaultClient vault, string name, string? version, CancellationToken ct)
    {
        var key = (await vault.GetKeyAsync(name, version, ct))["key"] as JsonObject
            ?? throw new CliException("The vault's key bundle has no 'key'.");
        var ops = (key["key_ops"] as JsonArray)?.Select(o => o?.ToString()).ToList() ?? [];
        if (ops is not ["import"])
            throw new CliException($"Key '{name}' is not a key exchange key: its key_ops are [{string.Join(", ", ops)}], not [import].");
        var kty = key["kty"]?.ToString();
        if (kty is not ("RSA" or "RSA-HSM")) throw new CliException($"Key '{name}' is {kty}, not RSA.");
        return new KeyExchangeKey(key["kid"]?.ToString() ?? throw new CliException("The vault's key has no kid."),
            Base64Url.Decode(key["n"]?.ToString(), "n"), Base64Url.Decode(key["e"]?.ToString(), "e"));
    }

    /// <summary>A KEK public key in a PEM file (SubjectPublicKeyInfo or PKCS#1), with the kid given beside it.</summary>
    public static KeyExchangeKey FromPem(string path, string kid)
    {
        if (!Uri.TryCreate(kid, UriKind.Absolute, out var uri) || uri.AbsolutePath.Trim('/').Split('/') is not ["keys", _, { Length: > 0 }])
            throw new CliException("--kek-id must be the KEK's full key identifier with its version: https://{vault}/keys/{name}/{version}.");
        using var rsa = RSA.Create();
        try { rsa.ImportFromPem(File.ReadAllText(path)); }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new CliException($"{path} holds no RSA public key in PEM form.");
        }
        var p = rsa.ExportParameters(false);
        return new KeyExchangeKey(kid, p.Modulus!, p.Exponent!);
    }
}

internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static byte[] Decode(string? value, string field)
    {
        try { return System.Buffers.Text.Base64Url.DecodeFromChars((value ?? throw new FormatException()).TrimEnd('=')); }
        catch (FormatException) { throw new CliException($"'{field}' is not base64url."); }
    }
}
