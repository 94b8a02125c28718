using Azure;
using Azure.Data.Tables;
using HsmVault.Hsm;
using HsmVault.Resilience;
using HsmVault.Storage;
using HsmVault.Storage.Sweeps;
using Microsoft.Extensions.Logging;

namespace HsmVault.Vaults;

/// <summary>
/// Purges deleted vaults: every HSM object of the vault (every key version, the secret-sealing key) and every row of its
/// partitions, the vault row last. The row is marked <see cref="VaultEntity.Purging"/> first, so a purge interrupted
/// midway is finished by the next sweep (destroying an HSM object that is already gone does nothing). The key and secret
/// stores' recent rows of the vault are dropped, so a new vault of the name never sees the purged vault's objects.
/// A vault bound to a customer's HSM is purged on that token; while it is cut off the purge fails and the next sweep tries again.
/// </summary>
public sealed class VaultPurge(Tables tables, VaultHsms hsms, ResiliencePipelines resilience, IEnumerable<IRecentRows> recentRows, TimeProvider clock,
    ILogger<VaultPurge> logger) : ISweep
{
    public string Name => "VaultPurge";

    /// <summary>Deleted vaults whose retention has passed, or whose purge was interrupted.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = new List<VaultEntity>();
        await foreach (var row in tables.Vaults.QueryAsync<VaultEntity>($"RowKey eq '{VaultEntity.Row}' and Deleted eq true", cancellationToken: ct))
            if (row.Purging || row.DeletedOn?.AddDays(row.SoftDeleteRetentionDays) <= now) due.Add(row);
        foreach (var row in due) await PurgeAsync(row, ct);
        return due.Count;
    }

    /// <summary>Purges a deleted vault; false if it was not deleted (or is gone already).</summary>
    public async Task<bool> PurgeAsync(VaultEntity row, CancellationToken ct)
    {
        if (!row.Deleted) return false;
        if (!row.Purging)
        {
            row.Purging = true;
            try
            {
                var response = await resilience.StorageWrite.ExecuteAsync(async t =>
                    await tables.Vaults.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, t), ct);
                row.ETag = response.Headers.ETag ?? ETag.All;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                return false; // recovered or purged meanwhile
            }
        }
        var vault = row.PartitionKey;
        var destroyed = 0;
        var hsm = hsms.For(vault, row.Binding());
        var calls = resilience.Hsm(hsm.TokenId, vault).Idempotent;
        foreach (var table in new[] { tables.Keys, tables.VaultKeys })
            await foreach (var item in RowsAsync(table, vault, ct))
                if (item.TryGetValue("HsmKeyId", out var id) && id is string { Length: > 0 } hex)
                {
                    calls.Execute(() => hsm.DestroyKey(new HsmKeyId(hex)));
                    destroyed++;
                }
        foreach (var table in new[] { tables.Keys, tables.Secrets, tables.VaultKeys })
            await DeletePartitionAsync(table, vault, keep: null, ct);
        foreach (var cache in recentRows) cache.ForgetVault(vault);
        await DeletePartitionAsync(tables.Vaults, vault, keep: VaultEntity.Row, ct);
        await resilience.StorageWrite.ExecuteAsync(async t => await tables.Vaults.DeleteEntityAsync(vault, VaultEntity.Row, ETag.All, t), ct);
        logger.LogInformation("Purged vault {Vault}: {Count} HSM keys destroyed", vault, destroyed);
        return true;
    }

    private static async IAsyncEnumerable<TableEntity> RowsAsync(TableClient table, string partition,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: ct))
            yield return row;
    }

    private async Task DeletePartitionAsync(TableClient table, string partition, string? keep, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in RowsAsync(table, partition, ct))
            if (row.RowKey != keep) rows.Add(row);
        foreach (var chunk in rows.Chunk(100))
        {
            var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)).ToList();
            await resilience.StorageWrite.ExecuteAsync(async t => await table.SubmitTransactionAsync(actions, t), ct);
        }
    }
}
