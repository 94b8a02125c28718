using Azure;
using Azure.Data.Tables;

namespace HsmVault.Storage;

/// <summary>
/// A vault's own HSM key for one purpose (PartitionKey the vault, RowKey the purpose). Inserted once with AddEntity,
/// so when two instances race to create it, exactly one row wins and every instance uses that row's key.
/// </summary>
public sealed class VaultKeyEntity : ITableEntity
{
    public const string SecretEncryption = "secret-encryption";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>Hex CKA_ID of the key in the HSM.</summary>
    public string HsmKeyId { get; set; } = "";
    public string Algorithm { get; set; } = "";
    public DateTimeOffset Created { get; set; }
}
