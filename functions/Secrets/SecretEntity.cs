using Azure;
using Azure.Data.Tables;

namespace HsmVault.Secrets;

/// <summary>
/// Table row of a secret version, in the vault's partition of the secrets table. As for keys, two rows per version:
/// <c>ver!{name}!{version}</c> (every version) and <c>cur!{name}</c> (a copy of the current version), written together.
/// The value is stored only as AES-256-GCM ciphertext made inside the HSM: <see cref="Ciphertext"/>, <see cref="Iv"/>,
/// <see cref="Tag"/> and the HSM key that sealed it (<see cref="EncryptionKeyId"/>); never plaintext.
/// </summary>
public sealed class SecretEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public string? ContentType { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? Expires { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Updated { get; set; }
    /// <summary>Tags as a JSON object.</summary>
    public string? Tags { get; set; }

    /// <summary>Layout of the sealed value and its additional authenticated data (<see cref="SecretSealing.FormatVersion"/>).</summary>
    public int Format { get; set; }
    /// <summary>Hex CKA_ID of the vault's secret-encryption key in the HSM.</summary>
    public string EncryptionKeyId { get; set; } = "";
    public byte[] Ciphertext { get; set; } = [];
    public byte[] Iv { get; set; } = [];
    public byte[] Tag { get; set; } = [];

    public static string CurrentRowKey(string name) => "cur!" + name.ToLowerInvariant();
    public static string VersionRowKey(string name, string version) => $"ver!{name.ToLowerInvariant()}!{version.ToLowerInvariant()}";
    // '"' is the character after '!', so [prefix!, prefix") spans exactly the rows under a prefix.
    public const string CurrentPrefixFrom = "cur!";
    public const string CurrentPrefixTo = "cur\"";
    public static string VersionsFrom(string name) => $"ver!{name.ToLowerInvariant()}!";
    public static string VersionsTo(string name) => $"ver!{name.ToLowerInvariant()}\"";

    public SecretEntity CopyAs(string rowKey)
    {
        var copy = (SecretEntity)MemberwiseClone();
        copy.RowKey = rowKey;
        copy.ETag = default;
        return copy;
    }
}
