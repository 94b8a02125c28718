using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using HsmVault.Resilience;
using HsmVault.Telemetry;

namespace HsmVault.Storage;

/// <summary>Whether a write that failed without a definite answer happened after all.</summary>
public enum WriteOutcome { Committed, Abandoned, Unknown }

/// <summary>
/// Versioned objects (keys, secrets) in Table storage: find, add a version and make it current, update, list.
/// ETag concurrency wherever two instances could race; within one instance new versions of a name take turns.
/// </summary>
public abstract partial class VersionedStore<T>(TableClient table, ResiliencePipelines resilience, string kind) : IRecentRows
    where T : VersionedEntity, new()
{
    private const int MaxAddAttempts = 20;
    private readonly SemaphoreSlim[] _versionLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>How long a row read for a hot-path operation is reused without reading storage again.</summary>
    public static readonly TimeSpan RecentLifetime = TimeSpan.FromSeconds(1);
    private const int MaxRecent = 100_000;
    private readonly ConcurrentDictionary<(string Vault, string RowKey), (T Row, long UntilTicks)> _recent = new();
    private readonly string _cacheName = kind + "_rows";

    /// <summary>Columns a list page reads; null reads every column.</summary>
    protected virtual IEnumerable<string>? ListColumns => null;

    public async Task<T?> FindAsync(string vault, string name, string? version, CancellationToken ct)
    {
        var rowKey = string.IsNullOrEmpty(version) ? VersionedEntity.CurrentRowKey(name) : VersionedEntity.VersionRowKey(name, version);
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await table.GetEntityIfExistsAsync<T>(vault, rowKey, cancellationToken: t), ct);
        // A version of a soft-deleted object is not found until the object is recovered; a tombstone never is.
        return row.HasValue && !row.Value!.Deleted && !row.Value.Abandoned ? row.Value : null;
    }

    /// <summary>
    /// Like <see cref="FindAsync"/>, but reuses a row read in the last <see cref="RecentLifetime"/>: for the hot path
    /// (every sign or decrypt reads its key's row). A change made on another instance shows within that time, one made
    /// here at once. The row returned is shared: callers must not modify it.
    /// </summary>
    public async Task<T?> FindRecentAsync(string vault, string name, string? version, CancellationToken ct)
    {
        var key = (vault, string.IsNullOrEmpty(version) ? VersionedEntity.CurrentRowKey(name) : VersionedEntity.VersionRowKey(name, version));
        var now = Environment.TickCount64;
        if (_recent.TryGetValue(key, out var hit) && now < hit.UntilTicks)
        {
            VaultMetrics.CacheLookup(_cacheName, hit: true);
            return hit.Row;
        }
        VaultMetrics.CacheLookup(_cacheName, hit: false);
        var changesBefore = Interlocked.Read(ref _changes);
        var row = await FindAsync(vault, name, version, ct);
        // A change committed here while this read was in flight may be newer than the row read: do not keep it.
        if (Interlocked.Read(ref _changes) != changesBefore) return row;
        if (_recent.Count >= MaxRecent) _recent.Clear();
        if (row is null) _recent.TryRemove(key, out _);
        else _recent[key] = (row, now + (long)RecentLifetime.TotalMilliseconds);
        return row;
    }

    private long _changes;

    private void Forget(T version)
    {
        Interlocked.Increment(ref _changes);
        _recent.TryRemove((version.PartitionKey, VersionedEntity.CurrentRowKey(version.Name)), out _);
        _recent.TryRemove((version.PartitionKey, VersionedEntity.VersionRowKey(version.Name, version.Version)), out _);
    }

    public void ForgetVault(string vault)
    {
        Interlocked.Increment(ref _changes);
        foreach (var key in _recent.Keys)
            if (key.Vault == vault) _recent.TryRemove(key, out _);
    }

    /// <summary>Stores a new version and makes it current, atomically; 409 if other writers keep winning.</summary>
    public async Task AddVersionAsync(T version, CancellationToken ct)
    {
        var gate = _versionLocks[(int)((uint)StringComparer.OrdinalIgnoreCase.GetHashCode($"{version.PartitionKey}/{version.Name}") % _versionLocks.Length)];
        await gate.WaitAsync(ct);
        try
        {
            await AddVersionUnlockedAsync(version, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task AddVersionUnlockedAsync(T version, CancellationToken ct)
    {
        version.RowKey = VersionedEntity.VersionRowKey(version.Name, version.Version);
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindAsync(version.PartitionKey, version.Name, null, ct);
            // A soft-deleted name stays reserved until it is recovered or purged.
            if (current is null && await FindDeletedAsync(version.PartitionKey, version.Name, ct) is not null)
                throw new ObjectIsDeletedException();
            var header = version.CopyAs<T>(VersionedEntity.CurrentRowKey(version.Name));
            if (current is not null) header.Name = current.Name; // the name keeps the casing it was created with
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, version),
                current is null
                    ? new(TableTransactionActionType.Add, header)
                    : new(TableTransactionActionType.UpdateReplace, header, current.ETag),
            };
            try
            {
                await resilience.StorageWrite.ExecuteAsync(async t => await table.SubmitTransactionAsync(actions, t), ct);
                Forget(version);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Another instance made a version current (or deleted the object) meanwhile: back off with jitter and try again on the new ETag.
                if (attempt == MaxAddAttempts)
                    throw new ConcurrentChangeException($"Too many concurrent new versions of this {kind}; retry the request.");
                await Task.Delay(Random.Shared.Next(5, 25) * Math.Min(attempt, 8), ct);
            }
        }
    }

    /// <summary>
    /// After a write of a version row (<see cref="AddVersionAsync"/>, <see cref="RestoreAsync"/>) failed without a definite
    /// answer (a timeout, a 5xx, a lost connection), decides whether it happened: puts a tombstone in the version's place.
    /// If the tombstone goes in, the write cannot commit any more, even if it is still on its way (its transaction inserts
    /// the same row, or replaces an older tombstone by its ETag, which this one changes): Abandoned. If the row is there
    /// and live, the write did commit: Committed. While storage does not answer it keeps asking for up to <see cref="SettleBudget"/>
    /// (a frozen storage that thaws commits the late write, and a caller told "failed" must not find the version afterwards);
    /// then Unknown (the reconciliation sweep asks again).
    /// A tombstone is never found, listed, backed up or restored; it outlives a purge of its name, so that a write still
    /// on its way can never bring a purged version back.
    /// </summary>
    public async Task<WriteOutcome> SettleAsync(string vault, string name, string version, TimeSpan? budget = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow; // Table storage refuses dates before 1601: never leave them at default
        var tombstone = new T
        {
            PartitionKey = vault, RowKey = VersionedEntity.VersionRowKey(name, version), Name = name, Version = version,
            Abandoned = true, Enabled = false, Created = now, Updated = now,
        };
        for (var attempt = 0; attempt < 5;)
        {
            try
            {
                var existing = await resilience.StorageRead.ExecuteAsync(async t =>
                    await table.GetEntityIfExistsAsync<T>(vault, tombstone.RowKey, cancellationToken: t), CancellationToken.None);
                if (!existing.HasValue)
                    await resilience.StorageWrite.ExecuteAsync(async t => await table.AddEntityAsync(tombstone, t), CancellationToken.None);
                else if (!existing.Value!.Abandoned)
                    return WriteOutcome.Committed;
                else
                    await resilience.StorageWrite.ExecuteAsync(async t =>
                        await table.UpdateEntityAsync(tombstone, existing.Value.ETag, TableUpdateMode.Replace, t), CancellationToken.None);
                Forget(tombstone);
                return WriteOutcome.Abandoned;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                attempt++; // the row came or changed meanwhile (the write landing, or another settle): look again
            }
            catch (Exception)
            {
                if (started.Elapsed >= (budget ?? SettleBudget)) return WriteOutcome.Unknown;
                await Task.Delay(SettleRetryDelay);
            }
        }
        return WriteOutcome.Unknown;
    }

    /// <summary>How long a settle keeps asking storage that does not answer (the request's answer waits for it).</summary>
    public static readonly TimeSpan SettleBudget = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan SettleRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>True when a failure of a version write proves that nothing was written.</summary>
    public static bool SurelyNotWritten(Exception failure) =>
        failure is ConcurrentChangeException or ObjectIsDeletedException or RequestFailedException { Status: >= 400 and < 500 }
            or Polly.CircuitBreaker.BrokenCircuitException;

    /// <summary>Replaces a version's row, and the current-version copy when it is the current version.</summary>
    public async Task UpdateAsync(T version, CancellationToken ct)
    {
        var current = await FindAsync(version.PartitionKey, version.Name, null, ct);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, version.CopyAs<T>(version.RowKey), version.ETag) };
        if (current is not null && current.Version == version.Version)
            actions.Add(new(TableTransactionActionType.UpdateReplace, version.CopyAs<T>(current.RowKey), current.ETag));
        try
        {
            await resilience.StorageWrite.ExecuteAsync(async t => await table.SubmitTransactionAsync(actions, t), ct);
            Forget(version);
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            Forget(version);
            throw new ConcurrentChangeException($"The {kind} was changed by another request; retry the update.");
        }
    }

    /// <summary>Names in the vault, live or soft-deleted, counted up to <paramref name="stopAt"/> (for quotas).</summary>
    public async Task<int> CountNamesAsync(string vault, int stopAt, CancellationToken ct)
    {
        var live = await CountAsync(vault, VersionedEntity.CurrentPrefixFrom, VersionedEntity.CurrentPrefixTo, stopAt, ct);
        return live >= stopAt ? live : live + await CountAsync(vault, VersionedEntity.DeletedPrefixFrom, VersionedEntity.DeletedPrefixTo, stopAt - live, ct);
    }

    /// <summary>Versions of <paramref name="name"/>, counted up to <paramref name="stopAt"/> (for quotas).</summary>
    public Task<int> CountVersionsAsync(string vault, string name, int stopAt, CancellationToken ct) =>
        CountAsync(vault, VersionedEntity.VersionsFrom(name), VersionedEntity.VersionsTo(name), stopAt, ct);

    private static readonly string[] CountColumns = ["RowKey", nameof(VersionedEntity.Abandoned)];

    private async Task<int> CountAsync(string vault, string from, string to, int stopAt, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {vault} and RowKey ge {from} and RowKey lt {to}");
        return await resilience.StorageRead.ExecuteAsync(async t =>
        {
            var n = 0;
            await foreach (var row in table.QueryAsync<T>(filter, 1000, CountColumns, t))
                if (!row.Abandoned && ++n >= stopAt) break;
            return n;
        }, ct);
    }

    public Task<Page<T>> ListCurrentAsync(string vault, int maxResults, string? continuation, CancellationToken ct) =>
        PageAsync(vault, VersionedEntity.CurrentPrefixFrom, VersionedEntity.CurrentPrefixTo, maxResults, continuation, ct);

    public Task<Page<T>> ListVersionsAsync(string vault, string name, int maxResults, string? continuation, CancellationToken ct) =>
        PageAsync(vault, VersionedEntity.VersionsFrom(name), VersionedEntity.VersionsTo(name), maxResults, continuation, ct);

    /// <summary>
    /// A list page: current versions of every name, or every version of <paramref name="name"/>; null when that name has
    /// no version at all.
    /// </summary>
    public async Task<Page<T>?> ListPageAsync(string vault, string? name, int maxResults, string? continuation, CancellationToken ct)
    {
        var page = name is null
            ? await ListCurrentAsync(vault, maxResults, continuation, ct)
            : await ListVersionsAsync(vault, name, maxResults, continuation, ct);
        return name is not null && page.Values.Count == 0 && continuation is null ? null : page;
    }

    private async Task<Page<T>> PageAsync(string vault, string from, string to, int maxResults, string? continuation, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {vault} and RowKey ge {from} and RowKey lt {to}");
        try
        {
            return await resilience.StorageRead.ExecuteAsync(async t =>
            {
                await foreach (var page in table.QueryAsync<T>(filter, maxResults, ListColumns, t).AsPages(continuation, maxResults))
                    return page.Values.Any(v => v.Abandoned)
                        ? Page<T>.FromValues(page.Values.Where(v => !v.Abandoned).ToList(), page.ContinuationToken, page.GetRawResponse())
                        : page;
                return Page<T>.FromValues([], null, null!);
            }, ct);
        }
        // Storage refuses the token (400), or the storage SDK cannot even parse it (found by the request fuzzer as a 500).
        catch (Exception e) when (continuation is not null
            && e is RequestFailedException { Status: 400 } or ArgumentException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new InvalidContinuationException();
        }
    }
}
