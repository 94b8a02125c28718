using Azure;
using HsmVault.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Storage.Sweeps;

/// <summary>
/// Runs a sweep on at most one instance at a time and at most once per scheduled occurrence: the instance that takes
/// the sweep's lease row (insert, or replace with its ETag once the previous lease has run out) runs it; every other
/// instance whose timer fired for the same occurrence skips it. The Functions host's timer singleton gives the same in
/// Azure; the lease makes it hold for the standalone host and for several apps sharing one storage account.
/// </summary>
public sealed class SweepRunner(Tables tables, TimeProvider clock, IOptions<TimerOptions> options, ILogger<SweepRunner> logger)
{
    /// <summary>This instance's lease owner name.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Runs <paramref name="sweep"/> for the occurrence a timer function was invoked for.</summary>
    public Task<bool> RunAsync(ISweep sweep, TimerInfo timer, CancellationToken ct) =>
        RunAsync(sweep, timer.ScheduleStatus?.Last is { } last && last != default
            ? new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc))
            : clock.GetUtcNow(), ct);

    /// <summary>True if this instance ran the sweep; false if another holds the lease or already ran this occurrence.</summary>
    public async Task<bool> RunAsync(ISweep sweep, DateTimeOffset occurrence, CancellationToken ct)
    {
        var lease = await TryAcquireAsync(sweep.Name, occurrence, ct);
        if (lease is null) return false;
        var started = clock.GetUtcNow();
        using var budget = new CancellationTokenSource(options.Value.LeaseDuration, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        try
        {
            lease.LastProcessed = await sweep.RunAsync(linked.Token);
            lease.LastResult = "Succeeded";
            logger.LogInformation("Sweep {Sweep} handled {Count} items in {Ms:F0} ms", sweep.Name, lease.LastProcessed,
                (clock.GetUtcNow() - started).TotalMilliseconds);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The next occurrence tries again: sweeps decide from stored state, so nothing is lost.
            lease.LastResult = $"Failed: {e.GetType().Name}";
            logger.LogError(e, "Sweep {Sweep} failed", sweep.Name);
        }
        await ReleaseAsync(lease);
        return true;
    }

    private async Task<SweepLeaseEntity?> TryAcquireAsync(string name, DateTimeOffset occurrence, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var found = await tables.Sweeps.GetEntityIfExistsAsync<SweepLeaseEntity>(SweepLeaseEntity.Partition, name, cancellationToken: ct);
        var lease = found.HasValue ? found.Value! : new SweepLeaseEntity { RowKey = name };
        if (found.HasValue && (lease.LastOccurrence >= occurrence || (lease.LeaseUntil > now && lease.Owner != Owner)))
            return null;
        lease.Owner = Owner;
        lease.LeaseUntil = now + options.Value.LeaseDuration;
        lease.LastOccurrence = occurrence;
        lease.LastStarted = now;
        lease.Runs++;
        try
        {
            var response = found.HasValue
                ? await tables.Sweeps.UpdateEntityAsync(lease, lease.ETag, Azure.Data.Tables.TableUpdateMode.Replace, ct)
                : await tables.Sweeps.AddEntityAsync(lease, ct);
            lease.ETag = response.Headers.ETag ?? default;
            return lease;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return null; // another instance took it first
        }
    }

    private async Task ReleaseAsync(SweepLeaseEntity lease)
    {
        var now = clock.GetUtcNow();
        lease.LastCompleted = now;
        lease.LeaseUntil = now;
        try
        {
            await tables.Sweeps.UpdateEntityAsync(lease, lease.ETag, Azure.Data.Tables.TableUpdateMode.Replace, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The lease then simply runs out; the sweep's work is already stored.
            logger.LogWarning("Sweep {Sweep}: lease not released ({Error}); it expires at {Until}", lease.RowKey, e.GetType().Name, lease.LeaseUntil);
        }
    }

    /// <summary>The lease row of a sweep (for tests and operators); null if it never ran.</summary>
    public async Task<SweepLeaseEntity?> StatusAsync(string name, CancellationToken ct)
    {
        var found = await tables.Sweeps.GetEntityIfExistsAsync<SweepLeaseEntity>(SweepLeaseEntity.Partition, name, cancellationToken: ct);
        return found.HasValue ? found.Value : null;
    }
}
