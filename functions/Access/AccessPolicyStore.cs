using Azure;
using Azure.Data.Tables;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;
using HsmVault.Vaults;

namespace HsmVault.Access;

/// <summary>Operator writes of access policies: each commits with the vault's new policy stamp, so every instance reloads.</summary>
public sealed class AccessPolicyStore(Tables tables, ResiliencePipelines resilience, VaultStore vaults)
{
    public async Task<List<AccessPolicyEntity>> ListAsync(string vault, CancellationToken ct)
    {
        await vaults.GetLiveAsync(vault, ct);
        return await resilience.StorageRead.ExecuteAsync(async t =>
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {vault} and RowKey ge {AccessPolicyEntity.RowPrefix} and RowKey lt {"policy}"}");
            var list = new List<AccessPolicyEntity>();
            await foreach (var e in tables.Vaults.QueryAsync<AccessPolicyEntity>(filter, cancellationToken: t)) list.Add(e);
            return list;
        }, ct);
    }

    public Task PutAsync(AccessPolicyEntity entry, CancellationToken ct) =>
        vaults.CommitAsync(entry.PartitionKey, _ => { }, _ => [new TableTransactionAction(TableTransactionActionType.UpsertReplace, entry)], ct);

    /// <summary>Removes the object's entry for one scope, or every entry of the object when <paramref name="scope"/> is null.</summary>
    public async Task<int> DeleteAsync(string vault, string objectId, string? scope, CancellationToken ct)
    {
        var doomed = (await ListAsync(vault, ct))
            .Where(e => e.ObjectId.Equals(objectId, StringComparison.OrdinalIgnoreCase) && (scope is null || e.Scope == scope))
            .ToList();
        if (doomed.Count == 0)
            throw VaultException.NotFound("AccessPolicyNotFound",
                $"Vault '{vault}' has no access policy for object '{objectId}'{(scope is null ? "" : $" with key scope '{scope}'")}.");
        await vaults.CommitAsync(vault, _ => { },
            _ => doomed.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), ct);
        return doomed.Count;
    }
}
