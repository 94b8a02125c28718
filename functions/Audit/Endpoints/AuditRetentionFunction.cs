using HsmVault.Storage.Sweeps;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Audit.Endpoints;

/// <summary>The timer that runs <see cref="AuditRetention"/> (hourly), under the Functions host and the standalone host.</summary>
public sealed class AuditRetentionFunction(SweepRunner runner, AuditRetention sweep)
{
    [Function(nameof(AuditRetention))]
    public Task Run([TimerTrigger("0 40 * * * *")] TimerInfo timer, CancellationToken ct) => runner.RunAsync(sweep, timer, ct);
}
