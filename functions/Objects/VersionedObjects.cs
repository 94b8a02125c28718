using HsmVault.Storage;

namespace HsmVault.Objects;

/// <summary>A page of objects as a list operation returns it (Key Vault's list shape): the items and the nextLink (null on the last page).</summary>
public sealed record ObjectPage<T>(
    [property: System.Text.Json.Serialization.JsonPropertyName("value")] IReadOnlyList<T> Items,
    [property: System.Text.Json.Serialization.JsonPropertyName("nextLink")] string? NextLink);

/// <summary>What the purge sweep needs of each kind of versioned object.</summary>
public interface IPurgeableObjects
{
    ObjectKind Kind { get; }

    /// <summary>Purges every soft-deleted object whose scheduled purge date has passed, or whose purge was interrupted.</summary>
    Task<int> PurgeDueAsync(DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// The versioned-object core keys and secrets share (and certificates will): name and version rules, find with Key
/// Vault's not-found errors and audit ids, list pages, attribute and tag updates, new versions, and the deleted state
/// (soft delete, get and list deleted, recover, purge, scheduled purge). A kind adds only what differs: how a version
/// is made (an HSM key, a sealed value), how it maps to the wire, and what purging a version destroys.
/// </summary>
public abstract class VersionedObjects<T>(VersionedStore<T> store, ObjectKind kind, TimeProvider clock) : IPurgeableObjects
    where T : VersionedEntity, new()
{
    public ObjectKind Kind => kind;
    protected VersionedStore<T> Store => store;
    protected TimeProvider Clock => clock;

    public ObjectId IdOf(OperationContext ctx, string name, string? version = null) => new(kind, ctx.Vault, name, version);

    /// <summary>
    /// A version's row (the current one when <paramref name="version"/> is null). <paramref name="recent"/> accepts a row
    /// read up to a second ago (reads on the hot path); updates read it fresh, with its ETag.
    /// </summary>
    public async Task<T> FindAsync(OperationContext ctx, string name, string? version, bool recent = false)
    {
        ObjectNames.Name(name);
        var id = IdOf(ctx, name, ObjectNames.Version(version, kind.Noun));
        ctx.AuditObjectId = id.AuditId;
        var row = await (recent
                ? store.FindRecentAsync(ctx.Vault.Name, name, id.Version, ctx.Cancellation)
                : store.FindAsync(ctx.Vault.Name, name, id.Version, ctx.Cancellation))
            ?? throw id.NotFound();
        ctx.AuditObjectId = ObjectId.Of(kind, ctx.Vault, row).AuditId;
        return row;
    }

    /// <summary>The current versions of every live name, or every version of <paramref name="name"/>.</summary>
    public async Task<ObjectPage<TItem>> ListAsync<TItem>(OperationContext ctx, string? name, PageRequest request, Func<T, TItem> map)
    {
        if (name is not null)
        {
            ObjectNames.Name(name);
            ctx.AuditObjectId = IdOf(ctx, name).AuditId;
        }
        var page = await store.ListPageAsync(ctx.Vault.Name, name, request.MaxResults, request.Continuation, ctx.Cancellation)
            ?? throw IdOf(ctx, name!).NotFound();
        var path = name is null ? kind.Collection : $"{kind.Collection}/{name}/versions";
        return new(page.Values.Select(map).ToList(), Paging.NextLink(ctx, path, request.MaxResults, page.ContinuationToken));
    }

    /// <summary>
    /// Updates a version's attributes and tags (and, through <paramref name="apply"/>, what is the kind's own), always on
    /// the version row itself with its own ETag, never on the current-version copy.
    /// </summary>
    public async Task<T> UpdateAsync(OperationContext ctx, string name, string? version, ObjectAttributesWire? attributes,
        Dictionary<string, string>? tags, Action<T>? apply = null)
    {
        var validTags = ObjectAttributes.ValidateTags(tags, kind.Noun);
        var nbf = ObjectAttributes.Time(attributes?.NotBefore, "nbf");
        var exp = ObjectAttributes.Time(attributes?.Expires, "exp");
        var found = await FindAsync(ctx, name, version);
        var row = version is null ? await FindAsync(ctx, name, found.Version) : found;
        apply?.Invoke(row);
        if (attributes?.Enabled is { } enabled) row.Enabled = enabled;
        if (nbf is not null) row.NotBefore = nbf;
        if (exp is not null) row.Expires = exp;
        if (validTags is not null) row.Tags = ObjectAttributes.SerializeTags(validTags);
        row.Updated = clock.GetUtcNow();
        await store.UpdateAsync(row, ctx.Cancellation);
        return row;
    }

    /// <summary>A new version's row with the common attributes set; the kind fills in the rest.</summary>
    public T NewVersion(OperationContext ctx, string name, ObjectAttributesWire? attributes, Dictionary<string, string>? tags)
    {
        ObjectNames.Name(name);
        var now = clock.GetUtcNow();
        var row = new T
        {
            PartitionKey = ctx.Vault.Name, Name = name, Version = ObjectNames.NewVersion(),
            Enabled = attributes?.Enabled ?? true,
            NotBefore = ObjectAttributes.Time(attributes?.NotBefore, "nbf"), Expires = ObjectAttributes.Time(attributes?.Expires, "exp"),
            Created = now, Updated = now, Tags = ObjectAttributes.SerializeTags(ObjectAttributes.ValidateTags(tags, kind.Noun)),
        };
        ctx.AuditObjectId = ObjectId.Of(kind, ctx.Vault, row).AuditId;
        return row;
    }

    /// <summary>
    /// Stores a new version and makes it current; 409 if the name is soft-deleted. A write that failed without a definite
    /// answer (a timeout may hide a commit) is settled (<see cref="VersionedStore{T}.SettleAsync"/>): committed after all,
    /// it succeeded; otherwise the failure is rethrown after <paramref name="failed"/> is told whether the version can never
    /// appear (Abandoned: the kind may destroy what it made for it) or may still (Unknown: the reconciliation sweep decides).
    /// </summary>
    public async Task AddVersionAsync(OperationContext ctx, T row, Action<WriteOutcome>? failed = null)
    {
        try
        {
            // Not cancelled with the request: once the HSM side exists, the row write must finish or fail, not be abandoned.
            await store.AddVersionAsync(row, CancellationToken.None);
        }
        catch (ObjectIsDeletedException)
        {
            failed?.Invoke(WriteOutcome.Abandoned);
            throw IdOf(ctx, row.Name).IsDeletedConflict();
        }
        catch (Exception failure)
        {
            var outcome = VersionedStore<T>.SurelyNotWritten(failure)
                ? WriteOutcome.Abandoned
                : await store.SettleAsync(row.PartitionKey, row.Name, row.Version);
            if (outcome == WriteOutcome.Committed) return;
            failed?.Invoke(outcome);
            throw;
        }
    }

    /// <summary>
    /// Opens a restore's blob: a well-formed backup of this kind (400 otherwise) whose name is free in this vault (409 if
    /// it exists, live or deleted).
    /// </summary>
    public async Task<TBackup> OpenBackupAsync<TBackup>(OperationContext ctx, BackupBlobs blobs, string? value) where TBackup : IObjectBackup
    {
        var backup = blobs.Open<TBackup>(ctx.Vault, kind, value);
        var id = IdOf(ctx, ObjectNames.Name(backup.Name));
        ctx.AuditObjectId = id.AuditId;
        if (!backup.VersionIds.Contains(backup.Current))
            throw VaultException.BadParameter($"The {kind.Noun} backup blob is malformed: it names no current version.");
        if (await store.FindAsync(ctx.Vault.Name, id.Name, null, ctx.Cancellation) is not null
            || await store.FindDeletedAsync(ctx.Vault.Name, id.Name, ctx.Cancellation) is not null)
            throw id.RestoreConflict();
        return backup;
    }

    // ---- the deleted state ----

    /// <summary>Soft delete: every version unusable, the name reserved, purge scheduled after the vault's retention.</summary>
    public async Task<T> DeleteAsync(OperationContext ctx, string name)
    {
        var id = IdOf(ctx, ObjectNames.Name(name));
        ctx.AuditObjectId = id.AuditId;
        var now = clock.GetUtcNow();
        return await store.SoftDeleteAsync(ctx.Vault.Name, name, now, now.AddDays(ctx.Vault.SoftDeleteRetentionDays), ctx.Cancellation)
            ?? throw id.NotFound();
    }

    public async Task<T> GetDeletedAsync(OperationContext ctx, string name)
    {
        var id = IdOf(ctx, ObjectNames.Name(name));
        ctx.AuditObjectId = id.AuditId;
        return await store.FindDeletedAsync(ctx.Vault.Name, name, ctx.Cancellation) is { Purging: false } row ? row : throw id.DeletedNotFound();
    }

    public async Task<ObjectPage<TItem>> ListDeletedAsync<TItem>(OperationContext ctx, PageRequest request, Func<T, TItem> map)
    {
        var page = await store.ListDeletedAsync(ctx.Vault.Name, request.MaxResults, request.Continuation, ctx.Cancellation);
        return new(page.Values.Where(r => !r.Purging).Select(map).ToList(),
            Paging.NextLink(ctx, kind.DeletedCollection, request.MaxResults, page.ContinuationToken));
    }

    /// <summary>Recovers a soft-deleted object with every version; returns its current version.</summary>
    public async Task<T> RecoverAsync(OperationContext ctx, string name)
    {
        var id = IdOf(ctx, ObjectNames.Name(name));
        ctx.AuditObjectId = id.AuditId;
        return await store.RecoverAsync(ctx.Vault.Name, name, ctx.Cancellation) ?? throw id.DeletedNotFound();
    }

    /// <summary>Purges a soft-deleted object now (403 under purge protection): its rows and what each version holds in the HSM.</summary>
    public async Task PurgeAsync(OperationContext ctx, string name)
    {
        var id = IdOf(ctx, ObjectNames.Name(name));
        ctx.AuditObjectId = id.AuditId;
        if (ctx.Vault.PurgeProtection) throw Recovery.PurgeProtected();
        if (await store.FindDeletedAsync(ctx.Vault.Name, name, ctx.Cancellation) is not { Purging: false })
            throw id.DeletedNotFound();
        // Not cancelled with the request: a purge that has begun runs to its end (or the sweep finishes it).
        if (!await store.PurgeAsync(ctx.Vault.Name, name, DestroyVersionAsync, CancellationToken.None)) throw id.DeletedNotFound();
        await PurgedAsync(ctx.Vault.Name, name, CancellationToken.None);
    }

    public async Task<int> PurgeDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var purged = 0;
        var due = new List<T>();
        await foreach (var row in store.DueForPurgeAsync(now, ct)) due.Add(row);
        foreach (var row in due)
            if (await store.PurgeAsync(row.PartitionKey, row.Name, DestroyVersionAsync, ct))
            {
                await PurgedAsync(row.PartitionKey, row.Name, ct);
                purged++;
            }
        return purged;
    }

    /// <summary>What purging one version destroys besides its rows (a key's HSM objects). Must be idempotent.</summary>
    protected virtual Task DestroyVersionAsync(T version) => Task.CompletedTask;

    /// <summary>What else goes when a name is purged (a key's rotation policy).</summary>
    protected virtual Task PurgedAsync(string vault, string name, CancellationToken ct) => Task.CompletedTask;
}
