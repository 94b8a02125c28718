namespace HsmVault.Objects;

/// <summary>The Retry-After a 503 tells the caller, by cause: how long the cause usually takes to clear.</summary>
public static class RetryAfter
{
    /// <summary>A dependency call failed or timed out (HSM, Table storage): worth retrying almost at once.</summary>
    public static readonly TimeSpan Dependency = TimeSpan.FromSeconds(2);
    /// <summary>The vault's access state could not be re-read within the staleness bound.</summary>
    public static readonly TimeSpan VaultState = TimeSpan.FromSeconds(1);
    /// <summary>The identity provider's signing keys cannot be fetched (the validator waits this long between refreshes).</summary>
    public static readonly TimeSpan IdentityMetadata = TimeSpan.FromSeconds(5);
    /// <summary>The audit writer's queue is full; it drains in batches.</summary>
    public static readonly TimeSpan AuditBacklog = TimeSpan.FromSeconds(5);
    /// <summary>A vault's secret-encryption key is missing from its HSM: an operator has to act.</summary>
    public static readonly TimeSpan MissingVaultKey = TimeSpan.FromSeconds(30);
}
