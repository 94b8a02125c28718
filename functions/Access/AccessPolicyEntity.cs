using Azure;
using Azure.Data.Tables;

namespace HsmVault.Access;

/// <summary>
/// One access-policy entry, shaped like ARM's Key Vault accessPolicies, in its vault's partition of the vaults table:
/// RowKey "policy|{objectId}|{scope}" where scope is "*" (the whole vault, as in Key Vault), a key name, or "prefix*".
/// Permissions are comma-separated Key Vault names.
/// </summary>
public sealed class AccessPolicyEntity : ITableEntity
{
    public const string RowPrefix = "policy|";
    /// <summary>The first row key after every entry ('}' follows '|').</summary>
    public const string RowPrefixEnd = "policy}";
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ObjectId { get; set; } = "";
    public string Scope { get; set; } = KeyScope.Vault;
    public string TenantId { get; set; } = "";
    public string? ApplicationId { get; set; }
    public string Keys { get; set; } = "";
    public string Secrets { get; set; } = "";

    public static string RowKeyOf(string objectId, string scope) => $"{RowPrefix}{objectId.ToLowerInvariant()}|{scope}";

    public static AccessPolicyEntity Create(string vault, string objectId, string scope, string tenantId, string? applicationId, string keys, string secrets) => new()
    {
        PartitionKey = vault, RowKey = RowKeyOf(objectId, scope), ObjectId = objectId.ToLowerInvariant(), Scope = scope,
        TenantId = tenantId, ApplicationId = string.IsNullOrWhiteSpace(applicationId) ? null : applicationId.ToLowerInvariant(),
        Keys = keys, Secrets = secrets,
    };
}
