using HsmVault.Access;
using HsmVault.Audit;
using HsmVault.Hsm;
using HsmVault.Identity;
using HsmVault.Storage;
using HsmVault.Vaults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Hosting;

/// <summary>
/// Before the first request: open the HSM token, create the tables and the audit container, find or create the audit key, and create the configured seed vaults with their
/// access policies. A vault that exists is left as operators changed it (seeding never re-grants a revoked principal).
/// </summary>
public sealed class StartupInitializer(
    IHsm hsm, Tables tables, Blobs blobs, AuditSigningKey auditKey, VaultStore vaults,
    IOptions<SeedOptions> seed, IOptions<AuthOptions> auth, IOptions<HsmOptions> hsmOptions, TimeProvider clock,
    ILogger<StartupInitializer> logger) : IHostedService
{
    /// <summary>How long start-up waits for Table storage to answer before it gives up.</summary>
    private static readonly TimeSpan StorageWait = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken ct)
    {
        logger.LogInformation("HSM token opened; capabilities: {Capabilities}", hsm.Capabilities);
        await WaitForStorageAsync(ct);
        // Independent of each other once the tables are there: at once, so a restart waits for the slowest, not the sum.
        await Task.WhenAll(blobs.CreateIfMissingAsync(ct), auditKey.GetAsync(ct), SeedAsync(ct));
    }

    private async Task SeedAsync(CancellationToken ct)
    {
        foreach (var vault in seed.Value.Vaults)
        {
            var name = VaultNames.Require(vault.Name);
            var tenant = vault.TenantId is { Length: > 0 } t ? t : auth.Value.TenantId;
            var entries = vault.AccessPolicies.Select(p =>
            {
                // Parse to refuse unknown names before anything is stored.
                Permissions.Parse(p.Keys, Permissions.Keys);
                Permissions.Parse(p.Secrets, Permissions.Secrets);
                return AccessPolicyEntity.Create(name, p.ObjectId, KeyScope.Parse(p.Key), tenant, p.ApplicationId, p.Keys, p.Secrets);
            }).ToList();
            var row = new VaultEntity { Name = name, TenantId = tenant, HsmTokenLabel = hsmOptions.Value.TokenLabel ?? "" };
            var (created, _) = await vaults.CreateAsync(row, entries, ct);
            if (created) logger.LogInformation("Seeded vault {Vault} with {Count} access policies", name, entries.Count);
        }
    }

    private async Task WaitForStorageAsync(CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + StorageWait;
        while (true)
        {
            try
            {
                await tables.CreateIfMissingAsync(ct);
                return;
            }
            catch (Exception e) when (clock.GetUtcNow() < deadline && Resilience.ResiliencePipelines.IsTransientStorageFault(e))
            {
                logger.LogWarning("Table storage not reachable yet ({Error}); retrying", e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
