using HsmVault.Access;
using HsmVault.Hsm;
using HsmVault.Identity;
using HsmVault.Storage;
using HsmVault.Vaults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Hosting;

/// <summary>Before the first request: open the HSM token, create the tables, seed vaults and policies from configuration.</summary>
public sealed class StartupInitializer(
    IHsm hsm, Tables tables, VaultDirectory vaults, AccessPolicies policies,
    IOptions<SeedOptions> seed, IOptions<AuthOptions> auth, ILogger<StartupInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        logger.LogInformation("HSM token opened; capabilities: {Capabilities}", hsm.Capabilities);
        await WaitForStorageAsync(ct);
        foreach (var vault in seed.Value.Vaults)
        {
            var name = Keys.KeyNames.Name(vault.Name).ToLowerInvariant();
            var tenant = vault.TenantId is { Length: > 0 } t ? t : auth.Value.TenantId;
            await vaults.EnsureExistsAsync(name, tenant, ct);
            foreach (var p in vault.AccessPolicies)
                await policies.PutAsync(name, p.ObjectId, tenant, p.Keys, p.Secrets, ct);
            logger.LogInformation("Seeded vault {Vault} with {Count} access policies", name, vault.AccessPolicies.Count);
        }
    }

    private async Task WaitForStorageAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await tables.CreateIfMissingAsync(ct);
                return;
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && Resilience.ResiliencePipelines.IsTransientStorageFault(e))
            {
                logger.LogWarning("Table storage not reachable yet ({Error}); retrying", e.GetType().Name);
                await Task.Delay(1000, ct);
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
