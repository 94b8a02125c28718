using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Reconciliation;

/// <summary>
/// Runs the reconciliation sweep at start and then every <see cref="ReconciliationOptions.Interval"/>. Every instance
/// sweeps (destroying an orphan and settling its row are idempotent, so two instances sweeping at once do no harm).
/// </summary>
public sealed class ReconciliationService(HsmReconciliation sweep, IOptions<ReconciliationOptions> options, ILogger<ReconciliationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        var interval = options.Value.Interval > TimeSpan.Zero ? options.Value.Interval : TimeSpan.FromMinutes(10);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sweep.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Reconciliation sweep failed ({Error}); next in {Interval}", e.GetType().Name, interval);
            }
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
