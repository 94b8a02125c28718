using HsmVault.Storage.Sweeps;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Audit.Endpoints;

/// <summary>The timer that runs <see cref="AuditJournalReplay"/> (every minute, and at start), under both hosts.</summary>
public sealed class AuditJournalReplayFunction(SweepRunner runner, AuditJournalReplay sweep)
{
    [Function(nameof(AuditJournalReplay))]
    public Task Run([TimerTrigger("30 * * * * *", RunOnStartup = true)] TimerInfo timer, CancellationToken ct) => runner.RunAsync(sweep, timer, ct);
}
