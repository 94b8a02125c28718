using Azure;
using Azure.Data.Tables;
using HsmVault.Pipeline;
using HsmVault.Resilience;
using HsmVault.Storage;

namespace HsmVault.Secrets;

/// <summary>Secret rows in Table storage, with ETag concurrency wherever two instances could race.</summary>
public sealed class SecretStore(Tables tables, ResiliencePipelines resilience)
{
    private TableClient Table => tables.Secrets;

    public async Task<SecretEntity?> FindAsync(string vault, string name, string? version, CancellationToken ct)
    {
        var rowKey = string.IsNullOrEmpty(version) ? SecretEntity.CurrentRowKey(name) : SecretEntity.VersionRowKey(name, version);
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await Table.GetEntityIfExistsAsync<SecretEntity>(vault, rowKey, cancellationToken: t), ct);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>How often a new version retries when other writers keep moving "current" (each round, one writer wins).</summary>
    private const int MaxAddAttempts = 40;

    /// <summary>
    /// Stores a new version and makes it current, atomically. When other instances move "current" meanwhile it retries
    /// with jittered backoff; if contention outlasts the retries the caller gets 409 Conflict, never a half-written secret.
    /// </summary>
    public async Task AddVersionAsync(SecretEntity version, CancellationToken ct)
    {
        version.RowKey = SecretEntity.VersionRowKey(version.Name, version.Version);
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindAsync(version.PartitionKey, version.Name, null, ct);
            var header = version.CopyAs(SecretEntity.CurrentRowKey(version.Name));
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
                if (attempt == MaxAddAttempts)
                    throw new VaultException(System.Net.HttpStatusCode.Conflict, "Conflict",
                        "Too many concurrent requests are setting this secret; retry the request.");
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 10))), ct);
            }
        }
    }

    /// <summary>Replaces a version's row, and the current-version copy when it is the current version.</summary>
    public async Task UpdateAsync(SecretEntity version, CancellationToken ct)
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
            throw new VaultException(System.Net.HttpStatusCode.Conflict, "Conflict", "The secret was changed by another request; retry the update.");
        }
    }

    public Task<Page<SecretEntity>> ListCurrentAsync(string vault, int maxResults, string? continuation, CancellationToken ct) =>
        PageAsync(vault, SecretEntity.CurrentPrefixFrom, SecretEntity.CurrentPrefixTo, maxResults, continuation, ct);

    public Task<Page<SecretEntity>> ListVersionsAsync(string vault, string name, int maxResults, string? continuation, CancellationToken ct) =>
        PageAsync(vault, SecretEntity.VersionsFrom(name), SecretEntity.VersionsTo(name), maxResults, continuation, ct);

    // Lists select only metadata columns: a page never carries ciphertext.
    private static readonly string[] ListColumns =
        [nameof(SecretEntity.Name), nameof(SecretEntity.Version), nameof(SecretEntity.ContentType), nameof(SecretEntity.Enabled),
         nameof(SecretEntity.NotBefore), nameof(SecretEntity.Expires), nameof(SecretEntity.Created), nameof(SecretEntity.Updated),
         nameof(SecretEntity.Tags)];

    private async Task<Page<SecretEntity>> PageAsync(string vault, string from, string to, int maxResults, string? continuation, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {vault} and RowKey ge {from} and RowKey lt {to}");
        try
        {
            return await resilience.StorageRead.ExecuteAsync(async t =>
            {
                await foreach (var page in Table.QueryAsync<SecretEntity>(filter, maxResults, ListColumns, t).AsPages(continuation, maxResults))
                    return page;
                return Page<SecretEntity>.FromValues([], null, null!);
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 400 && continuation is not null)
        {
            throw VaultException.BadParameter("The $skiptoken is not valid.");
        }
    }
}
