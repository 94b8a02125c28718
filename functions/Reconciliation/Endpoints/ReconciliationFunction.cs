using HsmVault.Storage.Sweeps;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Reconciliation.Endpoints;

/// <summary>
/// The timer that runs <see cref="HsmReconciliation"/> (every 10 minutes, and once when the host starts: a crash is
/// followed by a start), under the Functions host and the standalone host.
/// </summary>
public sealed class ReconciliationFunction(SweepRunner runner, HsmReconciliation sweep)
{
    [Function(nameof(HsmReconciliation))]
    public Task Run([TimerTrigger("0 */10 * * * *", RunOnStartup = true)] TimerInfo timer, CancellationToken ct) => runner.RunAsync(sweep, timer, ct);
}
