using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs.Specialized;
using HsmVault.Objects;
using HsmVault.Storage;
using HsmVault.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Audit;

/// <summary>The audit record of an operation could not be stored in time: the operation's result must not be returned.</summary>
public sealed class AuditUnavailableException(string message) : Exception(message);

/// <summary>
/// Durable audit with group commit. <see cref="WriteAsync"/> returns once the record is stored; every record that arrived
/// while the previous commit was in flight goes out in the next one (one append per vault-hour blob), so the storage cost per
/// request falls as load rises. Records are sealed into this instance's hash chain in commit order; the chain head is signed
/// regularly by <see cref="ChainHeadSigner"/>. An append is retried with the same bytes until it lands, so the chain never has
/// a hole: a retry whose first attempt had landed leaves an exact duplicate line, which the verifier recognises.
/// </summary>
public sealed class AuditLog(Blobs blobs, Tables tables, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditLog> logger)
    : IHostedService, ISystemAudit
{
    /// <summary>Most records per commit, so that one blob's append stays well under the 4 MiB block limit.</summary>
    private const int MaxBatch = 1000;
    /// <summary>Past this many committed blocks a blob is left for the next part (the limit is 50,000).</summary>
    private const int BlockRollover = 49_000;

    /// <summary>Most requests a commit's span links to.</summary>
    private const int MaxSpanLinks = 32;

    /// <param name="Span">The span of the request waiting for the record (default: none), for the commit span's links.</param>
    private sealed record Pending(AuditRecord Record, TaskCompletionSource? Stored, ActivityContext Span = default);

    private readonly AuditOptions _options = options.Value;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, int> _parts = new();     // hour folder → current part
    private readonly ConcurrentDictionary<string, bool> _created = new();  // blobs known to exist
    private int _pending;
    private readonly ConcurrentDictionary<string, int> _pendingByVault = new(StringComparer.OrdinalIgnoreCase);
    private Task _writer = Task.CompletedTask;

    /// <summary>This instance's chain: start time plus a random suffix, unique across restarts and instances.</summary>
    public string ChainId { get; } = $"{clock.GetUtcNow():yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>The last stored record of the chain (seq 0 and the genesis hash before the first).</summary>
    public (long Seq, string Hash) StoredHead { get; private set; } = (0, AuditChainFormat.GenesisHash);

    private AuditUsageCounter? _usage;
    private AuditUsageCounter Usage => _usage ??= new AuditUsageCounter(tables, ChainId, clock, logger);

    private long _seq;
    private string _prev = AuditChainFormat.GenesisHash;

    /// <summary>
    /// Storage is so far behind that new operations on <paramref name="vault"/> are refused (503) before they run: the vault
    /// has <see cref="AuditOptions.MaxPendingPerVault"/> records waiting, or all vaults together <see cref="AuditOptions.MaxPending"/>.
    /// One busy vault fills only its own share of the queue.
    /// </summary>
    public bool IsBacklogged(string vault) =>
        Volatile.Read(ref _pending) >= _options.MaxPending || _pendingByVault.GetValueOrDefault(vault) >= _options.MaxPendingPerVault;

    /// <summary>Records waiting to be stored for <paramref name="vault"/>.</summary>
    public int PendingFor(string vault) => _pendingByVault.GetValueOrDefault(vault);

    /// <summary>Observers of each commit: records and elapsed time (the meter records them too, for any listener).</summary>
    public event Action<int, TimeSpan>? Committed;

    /// <summary>
    /// Stores the record; returns when it is durable. Not cancellable by the caller: a client that goes away does not take its
    /// record with it. Throws <see cref="AuditUnavailableException"/> when storage does not take it within the commit timeout
    /// (the record stays queued and is stored when storage returns).
    /// </summary>
    public async Task WriteAsync(AuditRecord record)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new Pending(record, stored, Activity.Current?.Context ?? default));
        try
        {
            await stored.Task.WaitAsync(_options.CommitTimeout);
        }
        catch (TimeoutException)
        {
            throw new AuditUnavailableException("The audit log cannot store records right now; retry shortly.");
        }
    }

    /// <summary>An operation the vault did by itself (a sweep): recorded with the system caller and a fresh correlation id.</summary>
    public async ValueTask RecordAsync(string vault, string operation, string? objectId, int status, string result, CancellationToken ct) =>
        await WriteAsync(new AuditRecord(clock.GetUtcNow(), vault, SystemCaller.ObjectId, null, null, null, operation, objectId, null,
            status, result, 0, Guid.NewGuid().ToString()));

    /// <summary>Queues a record nobody waits for (aggregates of failures before authentication).</summary>
    public void Post(AuditRecord record) => Enqueue(new Pending(record, null));

    // The queue is unbounded, so no writer ever waits for room: admission is IsBacklogged's job, before an operation runs.
    private void Enqueue(Pending p)
    {
        Interlocked.Increment(ref _pending);
        _pendingByVault.AddOrUpdate(p.Record.Vault, 1, (_, n) => n + 1);
        if (!_queue.Writer.TryWrite(p))
        {
            Settled(p);
            throw new AuditUnavailableException("The audit log is shutting down.");
        }
    }

    private void Settled(Pending p)
    {
        Interlocked.Decrement(ref _pending);
        // An entry at zero is left in place: removing it could race with a concurrent increment.
        _pendingByVault.AddOrUpdate(p.Record.Vault, 0, (_, n) => Math.Max(0, n - 1));
    }

    public Task StartAsync(CancellationToken ct)
    {
        _writer = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking records and waits until every queued record is stored (or the host's stop timeout).</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(ct);
    }

    private async Task DrainAsync()
    {
        Activity.Current = null; // commit spans are roots: one commit serves many requests
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
            var started = Stopwatch.GetTimestamp();
            using (StartCommitSpan(batch))
            {
                await CommitAsync(batch);
                await Usage.AddAsync(batch.Select(p => p.Record));
            }
            StoredHead = (_seq, _prev);
            foreach (var p in batch)
            {
                Settled(p);
                p.Stored?.TrySetResult();
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            VaultMetrics.AuditCommit(batch.Count, elapsed);
            Committed?.Invoke(batch.Count, elapsed);
            batch.Clear();
        }
    }

    /// <summary>A root span per commit (it serves many requests), linked to the first requests it carries.</summary>
    private static Activity? StartCommitSpan(List<Pending> batch)
    {
        if (!HsmVaultTelemetry.Source.HasListeners()) return null;
        var links = batch.Where(p => p.Span != default).Take(MaxSpanLinks).Select(p => new ActivityLink(p.Span));
        var span = HsmVaultTelemetry.Source.StartActivity(Spans.AuditCommit, ActivityKind.Internal, parentContext: default, links: links);
        span?.SetTag(HsmVaultTelemetry.AuditRecordsTag, batch.Count);
        return span;
    }

    /// <summary>Seals the batch into the chain, then appends one block per vault-hour blob, all at once.</summary>
    private async Task CommitAsync(List<Pending> batch)
    {
        var groups = new Dictionary<string, (string Folder, MemoryStream Bytes)>();
        foreach (var p in batch)
        {
            var resourceId = AuditBlobNames.ResourceId(_options.ResourceIdPrefix, p.Record.Vault);
            var record = AuditEvent.From(p.Record, resourceId);
            record.Chain = new ChainLink(ChainId, ++_seq, _prev);
            var line = JsonSerializer.SerializeToUtf8Bytes(record, AuditEvent.Json);
            _prev = AuditChainFormat.Link(_prev, line);
            var folder = AuditBlobNames.HourFolder(resourceId, record.Time);
            if (!groups.TryGetValue(folder, out var group)) groups[folder] = group = (folder, new MemoryStream());
            group.Bytes.Write(line);
            group.Bytes.WriteByte((byte)'\n');
        }
        await Task.WhenAll(groups.Values.Select(g => AppendUntilStoredAsync(g.Folder, g.Bytes.ToArray())));
    }

    private async Task AppendUntilStoredAsync(string folder, byte[] block)
    {
        for (var attempt = 1; ; attempt++)
        {
            var part = _parts.GetValueOrDefault(folder);
            var name = folder + (part == 0 ? "PT1H.json" : $"PT1H.{part}.json");
            var blob = blobs.Audit.GetAppendBlobClient(name);
            try
            {
                if (_created.TryAdd(name, true)) await blob.CreateIfNotExistsAsync();
                using var content = new MemoryStream(block, writable: false);
                var info = await blob.AppendBlockAsync(content);
                if (info.Value.BlobCommittedBlockCount >= BlockRollover) _parts[folder] = part + 1;
                return;
            }
            catch (RequestFailedException e) when (e.ErrorCode == "BlockCountExceedsLimit")
            {
                _parts[folder] = part + 1;
            }
            catch (Exception e)
            {
                if (e is RequestFailedException { Status: 404 }) _created.TryRemove(name, out _);
                // Fail closed but never lose: waiting requests get 503 after the commit timeout; this block is retried as is.
                logger.LogWarning("Audit append to {Blob} failed (attempt {Attempt}): {Error}; retrying", name, attempt, e.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * Math.Pow(2, Math.Min(attempt, 6)))));
            }
        }
    }
}
