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

    /// <summary>What is wrong with these settings, one line each naming the setting; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (TableEndpoint is { Length: > 0 } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                yield return $"{Section}:TableEndpoint must be an https URL such as https://account.table.core.windows.net; got '{endpoint}'.";
        }
        else if (string.IsNullOrWhiteSpace(ConnectionString))
            yield return $"{Section}:ConnectionString is required (or set {Section}:TableEndpoint to use a managed identity).";
        // Table names are 3-63 letters and digits starting with a letter; the longest suffix is "auditjournal".
        if (TablePrefix.Length is < 1 or > 40 || !char.IsAsciiLetter(TablePrefix[0]) || !TablePrefix.All(char.IsAsciiLetterOrDigit))
            yield return $"{Section}:TablePrefix must be 1-40 letters and digits starting with a letter; got '{TablePrefix}'.";
        if (OperationTimeout < TimeSpan.FromSeconds(1) || OperationTimeout > TimeSpan.FromMinutes(5))
            yield return $"{Section}:OperationTimeout must be between 00:00:01 and 00:05:00; got {OperationTimeout}.";
    }
}
