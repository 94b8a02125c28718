using System.Text;
using HsmVault.Objects;

namespace HsmVault.Secrets;

/// <summary>What Key Vault accepts in a secret: value size and content type length (tags and times: ObjectAttributes).</summary>
public static class SecretLimits
{
    /// <summary>Key Vault's limit of 25 KB, counted as UTF-8 bytes of the value.</summary>
    public const int MaxValueBytes = 25 * 1024;
    public const int MaxContentTypeLength = 255;

    public static byte[] Value(string? value)
    {
        if (value is null) throw VaultException.BadParameter("Property 'value' is required.");
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > MaxValueBytes)
            throw VaultException.BadParameter($"The secret value is {bytes.Length} bytes; the limit is {MaxValueBytes} bytes (25 KB) of UTF-8.");
        return bytes;
    }

    public static string? ContentType(string? contentType)
    {
        if (contentType is { Length: > MaxContentTypeLength })
            throw VaultException.BadParameter($"Property 'contentType' is longer than {MaxContentTypeLength} characters.");
        return contentType;
    }
}
