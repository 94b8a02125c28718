using Azure;
using Azure.Data.Tables;

namespace HsmVault.Keys;

/// <summary>
/// Table row of a key version. Two rows per version share this shape, both in the vault's partition:
/// <c>ver!{name}!{version}</c> (every version) and <c>cur!{name}</c> (a copy of the current version, for
/// "get latest" in one read and for listing keys). Both are written in one entity-group transaction.
/// </summary>
public sealed class KeyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public string Kty { get; set; } = "";
    public int KeySize { get; set; }
    public string? Curve { get; set; }
    /// <summary>Hex CKA_ID of the HSM objects holding this version.</summary>
    public string HsmKeyId { get; set; } = "";
    public string KeyOps { get; set; } = "";
    /// <summary>The key_ops the HSM objects were created for; key_ops can be narrowed within them, not widened.</summary>
    public string HsmKeyOps { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? Expires { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Updated { get; set; }
    /// <summary>Tags as a JSON object.</summary>
    public string? Tags { get; set; }

    public static string CurrentRowKey(string name) => "cur!" + name.ToLowerInvariant();
    public static string VersionRowKey(string name, string version) => $"ver!{name.ToLowerInvariant()}!{version.ToLowerInvariant()}";
    // '"' is the character after '!', so [prefix!, prefix") spans exactly the rows under a prefix.
    public const string CurrentPrefixFrom = "cur!";
    public const string CurrentPrefixTo = "cur\"";
    public static string VersionsFrom(string name) => $"ver!{name.ToLowerInvariant()}!";
    public static string VersionsTo(string name) => $"ver!{name.ToLowerInvariant()}\"";

    public KeyEntity CopyAs(string rowKey)
    {
        var copy = (KeyEntity)MemberwiseClone();
        copy.RowKey = rowKey;
        copy.ETag = default;
        return copy;
    }
}
