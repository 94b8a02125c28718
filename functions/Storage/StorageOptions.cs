namespace HsmVault.Storage;

public sealed class StorageOptions
{
    public const string Section = "HsmVault:Storage";
    /// <summary>Azure Table storage connection string; <c>UseDevelopmentStorage=true</c> means Azurite on loopback.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";
    /// <summary>
    /// Table service endpoint (e.g. https://account.table.core.windows.net) reached with a managed identity; when set it
    /// wins over <see cref="ConnectionString"/>, so a deployment needs no account key.
    /// </summary>
    public string? TableEndpoint { get; set; }
    /// <summary>
    /// Blob service endpoint (e.g. https://account.blob.core.windows.net) of the audit segments, reached with the same
    /// managed identity; when empty the blob service of <see cref="ConnectionString"/> is used.
    /// </summary>
    public string? BlobEndpoint { get; set; }
    /// <summary>Blob container of the audit segments; Key Vault's diagnostic logs use this name.</summary>
    public string AuditContainer { get; set; } = "insights-logs-auditevent";
    /// <summary>Client id of the user-assigned managed identity used with <see cref="TableEndpoint"/>; empty = system-assigned.</summary>
    public string? ManagedIdentityClientId { get; set; }
    /// <summary>Prefix of every table name, so several deployments (or test runs) can share one account.</summary>
    public string TablePrefix { get; set; } = "hsmvault";
    /// <summary>Time budget of one storage call, retries included.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
