using HsmVault.Objects;
using System.Threading.Channels;
using Azure.Data.Tables;
using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HsmVault.Audit;

/// <summary>
/// Takes audit records off the request path and writes them to Table storage in batches (one transaction per
/// partition, at most 100 rows). A clean shutdown drains the queue; a storage outage is retried, not dropped.
/// </summary>
public sealed class AuditLog(Tables tables, TimeProvider clock, ILogger<AuditLog> logger) : IHostedService, ISystemAudit
{
    private const int MaxBatch = 100;
    private const int Capacity = 100_000;
    /// <summary>Room kept for operations already admitted when the backlog check passed.</summary>
    private const int Headroom = 1_000;
    private readonly Channel<AuditRecord> _queue = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>
    /// True when storage has fallen so far behind that new operations should be refused (503) rather than run
    /// unaudited or block: every operation that runs gets its record.
    /// </summary>
    public bool IsBacklogged => _queue.Reader.Count >= Capacity - Headroom;

    public ValueTask WriteAsync(AuditRecord record, CancellationToken ct = default) => _queue.Writer.WriteAsync(record, ct);

    /// <summary>An operation the vault did by itself (a sweep): recorded with the system caller and a fresh correlation id.</summary>
    public ValueTask RecordAsync(string vault, string operation, string? objectId, int status, string result, CancellationToken ct) =>
        WriteAsync(new AuditRecord(clock.GetUtcNow(), vault, SystemCaller.ObjectId, null, null, null, operation, objectId, null, status, result, 0,
            Guid.NewGuid().ToString()), ct);

    private Task _writer = Task.CompletedTask;
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Not a BackgroundService: its stop cancels a loop that has not started yet, which would drop the queue.
    public Task StartAsync(CancellationToken ct)
    {
        _writer = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking records and waits until every queued record is stored (or the host's stop timeout).</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        _stopping.TrySetResult();
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(ct);
    }

    /// <summary>How long the writer lets records gather after the first one, so a busy vault writes full batches.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(100);

    private async Task DrainAsync()
    {
        var batch = new List<AuditRecord>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            // Unless stopping, wait a moment for more records: one transaction per partition per batch,
            // instead of one per request when each would be written at once.
            if (_queue.Reader.Count < MaxBatch && !_stopping.Task.IsCompleted)
                await Task.WhenAny(Task.Delay(Linger), _stopping.Task);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var record)) batch.Add(record);
            foreach (var partition in batch.Select(AuditEntity.From).GroupBy(e => e.PartitionKey))
                await StoreAsync(partition.ToList());
            batch.Clear();
        }
    }

    private async Task StoreAsync(List<AuditEntity> rows)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await tables.Audit.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
                return;
            }
            catch (Exception e) when (ResiliencePipelines.IsTransientStorageFault(e) || attempt < 3)
            {
                // Storage being down is waited out (records stay queued); anything else gets two more tries.
                logger.LogWarning("Audit write of {Count} records failed (attempt {Attempt}): {Error}; retrying", rows.Count, attempt, e.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(attempt, 6)))));
            }
            catch (Exception e)
            {
                logger.LogError(e, "Audit write of {Count} records refused by storage; records for {Partition} lost", rows.Count, rows[0].PartitionKey);
                return;
            }
        }
    }
}
