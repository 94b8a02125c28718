using Azure;
using Azure.Data.Tables;

namespace HsmVault.Storage;

/// <summary>A new version of a name that is soft-deleted (reserved until recovered or purged).</summary>
public sealed class ObjectIsDeletedException() : Exception("The object is deleted but recoverable.");

// The deleted state: delete, find and list deleted, recover, purge. An entity-group transaction holds at most 100
// actions, so an object with up to 98 versions changes state in one atomic transaction; a larger one in several, ordered
// so that an interruption never leaves a version usable that should not be (deleting marks versions first, recovery
// un-marks them last), and is finished by repeating the operation (purge: by the purge sweep).
public abstract partial class VersionedStore<T>
{
    private const int MaxBatch = 100;

    public async Task<T?> FindDeletedAsync(string vault, string name, CancellationToken ct)
    {
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await table.GetEntityIfExistsAsync<T>(vault, VersionedEntity.DeletedRowKey(name), cancellationToken: t), ct);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Every version row of a name, deleted or not (for state changes, purge and backup).</summary>
    public Task<List<T>> AllVersionsAsync(string vault, string name, CancellationToken ct) =>
        resilience.StorageRead.ExecuteAsync(async t =>
        {
            var rows = new List<T>();
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {vault} and RowKey ge {VersionedEntity.VersionsFrom(name)} and RowKey lt {VersionedEntity.VersionsTo(name)}");
            await foreach (var row in table.QueryAsync<T>(filter, cancellationToken: t)) rows.Add(row);
            return rows;
        }, ct).AsTask();

    /// <summary>
    /// Soft-deletes a name: marks every version deleted and moves the current row to <c>del!</c> with the deletion dates.
    /// Null if the name has no live current version.
    /// </summary>
    public async Task<T?> SoftDeleteAsync(string vault, string name, DateTimeOffset deletedOn, DateTimeOffset scheduledPurge, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindAsync(vault, name, null, ct);
            if (current is null) return null;
            var versions = await AllVersionsAsync(vault, name, ct);
            var deleted = current.CopyAs<T>(VersionedEntity.DeletedRowKey(name));
            deleted.DeletedOn = deletedOn;
            deleted.ScheduledPurge = scheduledPurge;
            var marks = versions.Where(v => !v.Deleted && !v.Abandoned).Select(v => Mark(v, deleted: true)).ToList();
            var swap = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Delete, current, current.ETag),
                new(TableTransactionActionType.Add, deleted),
            };
            try
            {
                await SubmitInOrderAsync(marks, swap, swapLast: true, ct);
                ForgetName(vault, name, versions);
                return deleted;
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && attempt < MaxAddAttempts)
            {
                // A new version became current meanwhile: mark it too.
                ForgetName(vault, name, versions);
            }
        }
    }

    /// <summary>Brings a soft-deleted name back with every version; null if it is not deleted (or a purge has begun).</summary>
    public async Task<T?> RecoverAsync(string vault, string name, CancellationToken ct)
    {
        var deleted = await FindDeletedAsync(vault, name, ct);
        if (deleted is null || deleted.Purging) return null;
        var versions = await AllVersionsAsync(vault, name, ct);
        var current = deleted.CopyAs<T>(VersionedEntity.CurrentRowKey(name));
        current.DeletedOn = null;
        current.ScheduledPurge = null;
        var unmarks = versions.Where(v => v.Deleted && !v.Abandoned).Select(v => Mark(v, deleted: false)).ToList();
        var swap = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Delete, deleted, deleted.ETag),
            new(TableTransactionActionType.Add, current),
        };
        try
        {
            await SubmitInOrderAsync(unmarks, swap, swapLast: false, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return null; // purged, or recovered by another request, meanwhile
        }
        ForgetName(vault, name, versions);
        return current;
    }

    /// <summary>
    /// Purges a soft-deleted name: marks the purge begun (no recovery from then on), calls <paramref name="destroy"/> for
    /// every version (HSM objects; must be idempotent), removes every version row, and last the <c>del!</c> row. Tombstones
    /// stay (they hold nothing, and keep a write still on its way from bringing a version back). A purge
    /// interrupted midway leaves a row marked <see cref="VersionedEntity.Purging"/> that the purge sweep finishes.
    /// False if the name is not deleted.
    /// </summary>
    public async Task<bool> PurgeAsync(string vault, string name, Func<T, Task> destroy, CancellationToken ct)
    {
        var deleted = await FindDeletedAsync(vault, name, ct);
        if (deleted is null) return false;
        if (!deleted.Purging)
        {
            deleted.Purging = true;
            try
            {
                await resilience.StorageWrite.ExecuteAsync(async t =>
                    await table.UpdateEntityAsync(deleted, deleted.ETag, TableUpdateMode.Replace, t), ct);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                return false; // recovered or purged meanwhile
            }
        }
        var versions = (await AllVersionsAsync(vault, name, ct)).Where(v => !v.Abandoned).ToList();
        foreach (var version in versions) await destroy(version);
        var deletes = versions.Select(v => new TableTransactionAction(TableTransactionActionType.Delete, v, ETag.All)).ToList();
        await SubmitInOrderAsync(deletes, [new(TableTransactionActionType.Delete, deleted, ETag.All)], swapLast: true, ct);
        ForgetName(vault, name, versions);
        return true;
    }

    /// <summary>A page of soft-deleted names of a vault (their <c>del!</c> rows).</summary>
    public Task<Page<T>> ListDeletedAsync(string vault, int maxResults, string? continuation, CancellationToken ct) =>
        PageAsync(vault, VersionedEntity.DeletedPrefixFrom, VersionedEntity.DeletedPrefixTo, maxResults, continuation, ct);

    /// <summary>Every vault's deleted names due for purge at <paramref name="now"/>, or whose purge was interrupted.</summary>
    public async IAsyncEnumerable<T> DueForPurgeAsync(DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {VersionedEntity.DeletedPrefixFrom} and RowKey lt {VersionedEntity.DeletedPrefixTo} and (ScheduledPurge le {now} or Purging eq true)");
        await foreach (var row in table.QueryAsync<T>(filter, cancellationToken: ct)) yield return row;
    }

    /// <summary>
    /// Writes the rows of a restored object: every version, then <paramref name="current"/> as the current row. False
    /// (nothing written) if the name exists, live or deleted. A tombstone in a version's place (an earlier restore of the
    /// same backup that failed) is replaced by its ETag. A write that fails without a definite answer is settled as
    /// <see cref="SettleAsync"/> does (on the current version's row, which commits with the rest in one transaction up to
    /// 98 versions): committed after all, it succeeded; otherwise the failure is rethrown after <paramref name="failed"/>
    /// is told whether the restore can never appear (Abandoned) or may still (Unknown).
    /// </summary>
    public async Task<bool> RestoreAsync(string vault, string name, IReadOnlyList<T> versions, T current, CancellationToken ct,
        Action<WriteOutcome>? failed = null)
    {
        if (await FindDeletedAsync(vault, name, ct) is not null) return false;
        var existing = (await AllVersionsAsync(vault, name, ct)).ToDictionary(v => v.RowKey);
        if (existing.Values.Any(v => !v.Abandoned)) return false;
        foreach (var v in versions)
        {
            v.PartitionKey = vault;
            v.RowKey = VersionedEntity.VersionRowKey(name, v.Version);
        }
        var header = current.CopyAs<T>(VersionedEntity.CurrentRowKey(name));
        var adds = versions.Select(v => existing.TryGetValue(v.RowKey, out var tombstone)
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, v, tombstone.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, v)).ToList();
        try
        {
            // The current row goes last: until it exists, nothing of the restored object is visible or usable.
            await SubmitInOrderAsync(adds, [new(TableTransactionActionType.Add, header)], swapLast: true, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
        catch (Exception failure)
        {
            var outcome = SurelyNotWritten(failure) ? WriteOutcome.Abandoned : await SettleAsync(vault, name, current.Version);
            if (outcome != WriteOutcome.Committed)
            {
                failed?.Invoke(outcome);
                throw;
            }
        }
        ForgetName(vault, name, versions);
        return true;
    }

    private static TableTransactionAction Mark(T version, bool deleted) =>
        new(TableTransactionActionType.UpdateMerge,
            new TableEntity(version.PartitionKey, version.RowKey) { [nameof(VersionedEntity.Deleted)] = deleted }, version.ETag);

    /// <summary>
    /// Submits <paramref name="many"/> and <paramref name="swap"/> in one transaction when they fit, else in batches with
    /// the swap after (<paramref name="swapLast"/>) or before the rest.
    /// </summary>
    private async Task SubmitInOrderAsync(List<TableTransactionAction> many, List<TableTransactionAction> swap, bool swapLast, CancellationToken ct)
    {
        if (many.Count + swap.Count <= MaxBatch)
        {
            await SubmitAsync([.. many, .. swap], ct);
            return;
        }
        if (!swapLast) await SubmitAsync(swap, ct);
        foreach (var chunk in many.Chunk(MaxBatch)) await SubmitAsync([.. chunk], ct);
        if (swapLast) await SubmitAsync(swap, ct);
    }

    private async Task SubmitAsync(List<TableTransactionAction> actions, CancellationToken ct) =>
        await resilience.StorageWrite.ExecuteAsync(async t => await table.SubmitTransactionAsync(actions, t), ct);

    private void ForgetName(string vault, string name, IEnumerable<T> versions)
    {
        Interlocked.Increment(ref _changes);
        _recent.TryRemove((vault, VersionedEntity.CurrentRowKey(name)), out _);
        foreach (var v in versions) _recent.TryRemove((vault, v.RowKey), out _);
    }
}
