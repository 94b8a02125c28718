using System.Net;
using Azure;
using Azure.Data.Tables;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;

namespace HsmVault.Vaults;

/// <summary>
/// Writes to a vault's partition. Every change commits together with a new policy stamp on the vault row, in one
/// entity-group transaction guarded by the row's ETag, then is published to this instance's <see cref="VaultStateWatcher"/>.
/// </summary>
public sealed class VaultStore(Tables tables, ResiliencePipelines resilience, VaultStateWatcher watcher, TimeProvider clock)
{
    private const int MaxAttempts = 5;

    /// <summary>The vault row, deleted or not; null if the name was never used.</summary>
    public async Task<VaultEntity?> FindAsync(string name, CancellationToken ct)
    {
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await tables.Vaults.GetEntityIfExistsAsync<VaultEntity>(name, VaultEntity.Row, cancellationToken: t), ct);
        return row.HasValue ? row.Value : null;
    }

    public async Task<VaultEntity> GetLiveAsync(string name, CancellationToken ct) =>
        await FindAsync(name, ct) is { Deleted: false } row ? row : throw NotFound(name);

    public Task<List<VaultEntity>> ListLiveAsync(CancellationToken ct) =>
        resilience.StorageRead.ExecuteAsync(async t =>
        {
            var list = new List<VaultEntity>();
            await foreach (var row in tables.Vaults.QueryAsync<VaultEntity>($"RowKey eq '{VaultEntity.Row}'", cancellationToken: t))
                if (!row.Deleted) list.Add(row);
            return list;
        }, ct).AsTask();

    /// <summary>Creates the vault with its first policy entries; false if the name exists (live or deleted).</summary>
    public async Task<(bool Created, VaultEntity Row)> CreateAsync(VaultEntity row, IEnumerable<ITableEntity> policies, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        row.PartitionKey = row.Name = row.Name.ToLowerInvariant();
        row.RowKey = VaultEntity.Row;
        row.Created = row.Updated = now;
        row.PolicyStamp = NewStamp();
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, row) };
        actions.AddRange(policies.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, p)));
        try
        {
            await resilience.StorageWrite.ExecuteAsync(async t => await tables.Vaults.SubmitTransactionAsync(actions, t), ct);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
        {
            return (false, await FindAsync(row.Name, ct) ?? row);
        }
        watcher.Publish(row);
        return (true, row);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the live vault row and commits it, a new policy stamp and the entity
    /// actions <paramref name="extra"/> builds from the row, atomically; retried when another writer got there first.
    /// </summary>
    public async Task<VaultEntity> CommitAsync(string name, Action<VaultEntity> change,
        Func<VaultEntity, IEnumerable<TableTransactionAction>>? extra, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var row = await GetLiveAsync(name, ct);
            change(row);
            row.PolicyStamp = NewStamp();
            row.Updated = clock.GetUtcNow();
            // The vault row (new stamp, ETag-guarded) goes in the last batch: when a change needs several batches, other
            // instances must not see the new stamp before every policy row of the change is written.
            var actions = new List<TableTransactionAction>();
            if (extra is not null) actions.AddRange(extra(row));
            actions.Add(new(TableTransactionActionType.UpdateReplace, row, row.ETag));
            try
            {
                foreach (var chunk in actions.Chunk(100))
                    await resilience.StorageWrite.ExecuteAsync(async t => await tables.Vaults.SubmitTransactionAsync(chunk, t), ct);
                watcher.Publish(row);
                return row;
            }
            catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound
                                                   or (int)HttpStatusCode.Conflict)
            {
                // Another writer changed the vault or its policies meanwhile (a 404 is a row it already removed).
                if (attempt >= MaxAttempts)
                    throw new VaultException(HttpStatusCode.Conflict, "Conflict", $"Vault '{name}' was changed by another request; retry.");
            }
        }
    }

    public static VaultException NotFound(string name) => VaultException.NotFound("VaultNotFound", $"Vault '{name}' does not exist.");

    private static string NewStamp() => Guid.NewGuid().ToString("N");
}
