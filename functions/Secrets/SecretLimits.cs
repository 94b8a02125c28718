using System.Text;
using HsmVault.Pipeline;

namespace HsmVault.Secrets;

/// <summary>What Key Vault accepts in a secret: value size, content type length, tags, attribute times.</summary>
public static class SecretLimits
{
    /// <summary>Key Vault's limit of 25 KB, counted as UTF-8 bytes of the value.</summary>
    public const int MaxValueBytes = 25 * 1024;
    public const int MaxContentTypeLength = 255;
    public const int MaxTags = 15;
    public const int MaxTagNameLength = 512;
    public const int MaxTagValueLength = 256;
    private const long MaxUnixSeconds = 253402300799; // 9999-12-31T23:59:59Z

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

    public static Dictionary<string, string>? Tags(Dictionary<string, string>? tags)
    {
        if (tags is null) return null;
        if (tags.Count > MaxTags) throw VaultException.BadParameter($"A secret may have at most {MaxTags} tags.");
        foreach (var (name, value) in tags)
            if (name.Length is 0 or > MaxTagNameLength || (value?.Length ?? 0) > MaxTagValueLength)
                throw VaultException.BadParameter(
                    $"Tag names are 1-{MaxTagNameLength} characters and tag values at most {MaxTagValueLength} characters.");
        return tags;
    }

    public static DateTimeOffset? Time(long? unixSeconds, string field)
    {
        if (unixSeconds is not { } s) return null;
        if (s is < 0 or > MaxUnixSeconds) throw VaultException.BadParameter($"Attribute '{field}' is not a valid Unix time.");
        return DateTimeOffset.FromUnixTimeSeconds(s);
    }
}
