using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace HsmVault.Storage;

/// <summary>The Table storage tables HsmVault uses, created once at start.</summary>
public sealed class Tables
{
    public Tables(IOptions<StorageOptions> options) : this(options, []) { }

    /// <summary>With extra HTTP pipeline policies (tests use one to interleave a write with a multi-page read).</summary>
    internal Tables(IOptions<StorageOptions> options, IEnumerable<HttpPipelinePolicy> policies)
    {
        var o = options.Value;
        var clientOptions = new TableClientOptions();
        foreach (var policy in policies) clientOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        // Retries belong to our Polly pipelines (which know which calls are idempotent), not to the SDK.
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        clientOptions.Retry.Mode = RetryMode.Fixed;
        var service = string.IsNullOrEmpty(o.TableEndpoint)
            ? new TableServiceClient(o.ConnectionString, clientOptions)
            : new TableServiceClient(new Uri(o.TableEndpoint), ManagedIdentity(o.ManagedIdentityClientId), clientOptions);
        Vaults = service.GetTableClient(o.TablePrefix + "vaults");
        Keys = service.GetTableClient(o.TablePrefix + "keys");
        Secrets = service.GetTableClient(o.TablePrefix + "secrets");
        VaultKeys = service.GetTableClient(o.TablePrefix + "vaultkeys");
        Sweeps = service.GetTableClient(o.TablePrefix + "sweeps");
        AuditUsage = service.GetTableClient(o.TablePrefix + "auditusage");
        AuditJournal = service.GetTableClient(o.TablePrefix + "auditjournal");
    }

    internal static ManagedIdentityCredential ManagedIdentity(string? clientId) =>
        string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));

    /// <summary>One partition per vault: the vault row and its access policy entries.</summary>
    public TableClient Vaults { get; }
    public TableClient Keys { get; }
    public TableClient Secrets { get; }
    /// <summary>Each vault's own HSM keys (e.g. its secret-encryption key), one row per vault and purpose.</summary>
    public TableClient VaultKeys { get; }
    /// <summary>One lease row per timer sweep (which instance runs it, when it last ran).</summary>
    public TableClient Sweeps { get; }
    /// <summary>Audit usage aggregates (the records themselves are in blobs): one partition per vault and day.</summary>
    public TableClient AuditUsage { get; }
    /// <summary>Audit commits on their way into their segments (moments; longer only for an instance that died): one partition per chain.</summary>
    public TableClient AuditJournal { get; }

    public IReadOnlyList<TableClient> All => [Vaults, Keys, Secrets, VaultKeys, Sweeps, AuditUsage, AuditJournal];

    /// <summary>Creates the tables that are missing, all at once (one round trip each, so a restart is not six in a row).</summary>
    public Task CreateIfMissingAsync(CancellationToken ct) => Task.WhenAll(All.Select(table => table.CreateIfNotExistsAsync(ct)));
}
