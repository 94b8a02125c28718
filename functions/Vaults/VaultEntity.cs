using Azure;
using Azure.Data.Tables;

namespace HsmVault.Vaults;

/// <summary>Table row of a vault: PartitionKey "vault", RowKey the lower-case vault name.</summary>
public sealed class VaultEntity : ITableEntity
{
    public const string Partition = "vault";
    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string TenantId { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public DateTimeOffset Created { get; set; }
}
