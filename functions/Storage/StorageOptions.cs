namespace HsmVault.Storage;

public sealed class StorageOptions
{
    public const string Section = "HsmVault:Storage";
    /// <summary>Azure Table storage connection string; <c>UseDevelopmentStorage=true</c> means Azurite on loopback.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";
    /// <summary>Prefix of every table name, so several deployments (or test runs) can share one account.</summary>
    public string TablePrefix { get; set; } = "hsmvault";
    /// <summary>Time budget of one storage call, retries included.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
