using Azure;
using Azure.Data.Tables;
using HsmVault.Pipeline;
using HsmVault.Resilience;
using HsmVault.Storage;

namespace HsmVault.Keys;

/// <summary>Key metadata in Table storage, with ETag concurrency wherever two instances could race.</summary>
public sealed class KeyStore(Tables tables, ResiliencePipelines resilience)
{
    private const int MaxAttempts = 12;
    private TableClient Table => tables.Keys;

    public async Task<KeyEntity?> FindAsync(string vault, string name, string? version, CancellationToken ct)
    {
        var rowKey = string.IsNullOrEmpty(version) ? KeyEntity.CurrentRowKey(name) : KeyEntity.VersionRowKey(name, version);
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await Table.GetEntityIfExistsAsync<KeyEntity>(vault, rowKey, cancellationToken: t), ct);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Stores a new version and makes it current, atomically; retries if another instance moved "current" meanwhile.</summary>
    public async Task AddVersionAsync(KeyEntity version, CancellationToken ct)
    {
        version.RowKey = KeyEntity.VersionRowKey(version.Name, version.Version);
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindAsync(version.PartitionKey, version.Name, null, ct);
            var header = version.CopyAs(KeyEntity.CurrentRowKey(version.Name));
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
                await resilience.StorageWrite.ExecuteAsync(async t => await Table.SubmitTransactionAsync(actions, t), ct);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // Another instance made a version current meanwhile: back off with jitter and try again on the new ETag.
                if (attempt == MaxAttempts)
                    throw new VaultException(System.Net.HttpStatusCode.Conflict, "Conflict",
                        "Too many concurrent new versions of this key; retry the request.");
                await Task.Delay(Random.Shared.Next(5, 25) * attempt, ct);
            }
        }
    }

    /// <summary>Replaces a version's row, and the current-version copy when it is the current version.</summary>
    public async Task UpdateAsync(KeyEntity version, CancellationToken ct)
    {
        var current = await FindAsync(version.PartitionKey, version.Name, null, ct);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, version.CopyAs(version.RowKey), version.ETag) };
        if (current is not null && current.Version == version.Version)
            actions.Add(new(TableTransactionActionType.UpdateReplace, version.CopyAs(current.RowKey), current.ETag));
        try
        {
            await resilience.StorageWrite.ExecuteAsync(async t => await Table.SubmitTransactionAsync(actions, t), ct);
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            throw new VaultException(System.Net.HttpStatusCode.Conflict, "Conflict", "The key was changed by another request; retry the update.");
        }
    }

    public Task<Page<KeyEntity>> ListCurrentAsync(string vault, int maxResults, string? continuation, CancellationToken ct) =>
        PageAsync(vault, KeyEntity.CurrentPrefixFrom, KeyEntity.CurrentPrefixTo, maxResults, continuation, ct);

    public Task<Page<KeyEntity>> ListVersionsAsync(string vault, string name, int maxResults, string? continuation, CancellationToken ct) =>
        PageAsync(vault, KeyEntity.VersionsFrom(name), KeyEntity.VersionsTo(name), maxResults, continuation, ct);

    private async Task<Page<KeyEntity>> PageAsync(string vault, string from, string to, int maxResults, string? continuation, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {vault} and RowKey ge {from} and RowKey lt {to}");
        try
        {
            return await resilience.StorageRead.ExecuteAsync(async t =>
            {
                await foreach (var page in Table.QueryAsync<KeyEntity>(filter, maxResults, cancellationToken: t).AsPages(continuation, maxResults))
                    return page;
                return Page<KeyEntity>.FromValues([], null, null!);
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 400 && continuation is not null)
        {
            throw VaultException.BadParameter("The $skiptoken is not valid.");
        }
    }
}
