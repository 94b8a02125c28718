using HsmVault.Timers;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Objects;

/// <summary>
/// The scheduled purge: every soft-deleted key and secret whose <c>scheduledPurgeDate</c> has passed is purged (HSM
/// objects and rows), as is every purge that was interrupted midway. Purge protection does not stop it (as in Key Vault).
/// </summary>
public sealed class ScheduledPurge(IEnumerable<IPurgeableObjects> kinds, TimeProvider clock) : ISweep
{
    public string Name => "ScheduledPurge";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var purged = 0;
        foreach (var kind in kinds) purged += await kind.PurgeDueAsync(now, ct);
        return purged;
    }
}

/// <summary>The timer that runs <see cref="ScheduledPurge"/> (every 5 minutes), under the Functions host and the standalone host.</summary>
public sealed class ScheduledPurgeFunction(SweepRunner runner, ScheduledPurge sweep)
{
    [Function(nameof(ScheduledPurge))]
    public Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken ct) => runner.RunAsync(sweep, timer, ct);
}
