using Azure;
using Azure.Data.Tables;

namespace HsmVault.Access;

/// <summary>
/// One access-policy entry, shaped like ARM's Key Vault accessPolicies: PartitionKey the vault, RowKey the object id
/// (a user, app or group). Permissions are comma-separated Key Vault names.
/// </summary>
public sealed class AccessPolicyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string TenantId { get; set; } = "";
    public string? ApplicationId { get; set; }
    public string Keys { get; set; } = "";
    public string Secrets { get; set; } = "";
}
