using B64 = System.Buffers.Text.Base64Url;

namespace HsmVault.Objects;

/// <summary>Key Vault puts bytes on the wire as unpadded base64url; bad input is the caller's 400, naming the field.</summary>
public static class WireBytes
{
    public static string Encode(byte[] bytes) => B64.EncodeToString(bytes);

    public static byte[] Decode(string? value, string field) =>
        DecodeOptional(value, field) ?? throw VaultException.BadParameter($"Property '{field}' is required.");

    public static byte[]? DecodeOptional(string? value, string field)
    {
        if (value is null) return null;
        // Some clients pad or use the standard alphabet; Key Vault accepts both.
        var normalized = value.TrimEnd('=').Replace('+', '-').Replace('/', '_');
        try
        {
            return B64.DecodeFromChars(normalized);
        }
        catch (FormatException)
        {
            throw VaultException.BadParameter($"Property '{field}' is not valid base64url.");
        }
    }
}
