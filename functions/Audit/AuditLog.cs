using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
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
/// while the previous commit was in flight goes out in the next one, so the storage cost per request falls as load rises.
/// Records are sealed into this instance's hash chain in commit order and stored in the <see cref="AuditJournal"/>; every
/// <see cref="AuditOptions.FlushInterval"/> the journaled commits move into the vault-hour segments in one append per blob
/// (<see cref="AuditSegments"/>), and their journal entries are deleted. The chain head is signed regularly by
/// <see cref="ChainHeadSigner"/>, over what is in the segments.
/// </summary>
public sealed class AuditLog(AuditJournal journal, AuditSegments segments, Tables tables, IOptions<AuditOptions> options, TimeProvider clock,
    ILogger<AuditLog> logger)
    : IHostedService, ISystemAudit
{
    /// <summary>Most records per commit (a commit is one journal transaction, or a few for long records).</summary>
    private const int MaxBatch = 1000;

    /// <summary>Most requests a commit's span links to.</summary>
    private const int MaxSpanLinks = 32;

    /// <param name="Span">The span of the request waiting for the record (default: none), for the commit span's links.</param>
    private sealed record Pending(AuditRecord Record, TaskCompletionSource? Stored, ActivityContext Span = default);

    /// <summary>A commit in the journal, not yet in its segments, and the chain head after it.</summary>
    private sealed record Journaled(List<AuditJournalEntity> Entries, int Records, long Seq, string Hash);

    private readonly AuditOptions _options = options.Value;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<Journaled> _unflushed = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly CancellationTokenSource _stopFlushing = new();
    private Task _flusher = Task.CompletedTask;
    private int _pending;
    private int _unflushedRecords;
    private readonly ConcurrentDictionary<string, int> _pendingByVault = new(StringComparer.OrdinalIgnoreCase);
    private Task _writer = Task.CompletedTask;

    /// <summary>This instance's chain: start time plus a random suffix, unique across restarts and instances.</summary>
    public string ChainId { get; } = $"{clock.GetUtcNow():yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>The last record of the chain that is in its segment (seq 0 and the genesis hash before the first): what a signed head covers.</summary>
    public (long Seq, string Hash) StoredHead { get; private set; } = (0, AuditChainFormat.GenesisHash);

    private AuditUsageCounter? _usage;
    private AuditUsageCounter Usage => _usage ??= new AuditUsageCounter(tables, ChainId, clock, logger);

    private long _seq;
    private string _prev = AuditChainFormat.GenesisHash;

    /// <summary>The seq of the chain's last stored record (journaled or in its segment).</summary>
    public long CommittedSeq => Volatile.Read(ref _seq);

    /// <summary>
    /// Storage is so far behind that new operations on <paramref name="vault"/> are refused (503) before they run: the vault
    /// has <see cref="AuditOptions.MaxPendingPerVault"/> records waiting, or all vaults together <see cref="AuditOptions.MaxPending"/>.
    /// One busy vault fills only its own share of the queue. Journaled records that cannot move into their segments (blob
    /// storage away, tables not) count against the same bound, so memory stays bounded.
    /// </summary>
    public bool IsBacklogged(string vault) =>
        Volatile.Read(ref _pending) + Volatile.Read(ref _unflushedRecords) >= _options.MaxPending
        || _pendingByVault.GetValueOrDefault(vault) >= _options.MaxPendingPerVault;

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
        _flusher = Task.Run(FlushLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking records and waits until every queued record is stored and in its segment (or the host's stop timeout).</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(ct);
        await _stopFlushing.CancelAsync();
        await _flusher.WaitAsync(ct);
        await FlushAsync().WaitAsync(ct);
    }

    private async Task FlushLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopFlushing.Token)) await FlushAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Moves every journaled commit into its segments (one append per vault-hour blob), then deletes its journal entries.
    /// Appends and deletes are retried until done, so a commit leaves the journal only once it is in its segment.
    /// </summary>
    public async Task FlushAsync()
    {
        await _flushing.WaitAsync();
        try
        {
            var commits = new List<Journaled>();
            while (_unflushed.TryDequeue(out var c)) commits.Add(c);
            if (commits.Count == 0) return;
            var entries = commits.SelectMany(c => c.Entries).ToList();
            await segments.AppendAsync(entries);
            StoredHead = (commits[^1].Seq, commits[^1].Hash);
            Interlocked.Add(ref _unflushedRecords, -commits.Sum(c => c.Records));
            await journal.DeleteAsync(entries);
        }
        finally
        {
            _flushing.Release();
        }
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

    /// <summary>Seals the batch into the chain and stores it in the journal.</summary>
    private async Task CommitAsync(List<Pending> batch)
    {
        var firstSeq = _seq + 1;
        var lines = new List<(string Folder, byte[] Line)>(batch.Count);
        foreach (var p in batch)
        {
            var resourceId = AuditBlobNames.ResourceId(_options.ResourceIdPrefix, p.Record.Vault);
            var record = AuditEvent.From(p.Record, resourceId);
            record.Chain = new ChainLink(ChainId, ++_seq, _prev);
            var line = JsonSerializer.SerializeToUtf8Bytes(record, AuditEvent.Json);
            _prev = AuditChainFormat.Link(_prev, line);
            lines.Add((AuditBlobNames.HourFolder(resourceId, record.Time), [.. line, (byte)'\n']));
        }
        var transactions = AuditJournal.Plan(ChainId, firstSeq, lines);
        await journal.WriteAsync(transactions);
        _unflushed.Enqueue(new Journaled(transactions.SelectMany(t => t).ToList(), batch.Count, _seq, _prev));
        Interlocked.Add(ref _unflushedRecords, batch.Count);
    }
}
