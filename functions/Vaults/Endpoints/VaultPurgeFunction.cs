using HsmVault.Storage.Sweeps;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Vaults.Endpoints;

/// <summary>The timer that runs <see cref="VaultPurge"/> (hourly), under either host.</summary>
public sealed class VaultPurgeFunction(SweepRunner runner, VaultPurge sweep)
{
    [Function("VaultPurge")]
    public Task Run([TimerTrigger("0 0 * * * *")] TimerInfo timer, CancellationToken ct) => runner.RunAsync(sweep, timer, ct);
}
