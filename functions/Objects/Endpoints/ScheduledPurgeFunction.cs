using HsmVault.Storage.Sweeps;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Objects.Endpoints;

/// <summary>The timer that runs <see cref="ScheduledPurge"/> (every 5 minutes), under the Functions host and the standalone host.</summary>
public sealed class ScheduledPurgeFunction(SweepRunner runner, ScheduledPurge sweep)
{
    [Function(nameof(ScheduledPurge))]
    public Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken ct) => runner.RunAsync(sweep, timer, ct);
}
