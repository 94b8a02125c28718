using System.Collections.Concurrent;
using Azure.Data.Tables;
using HsmVault.Identity;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;
using HsmVault.Vaults;

namespace HsmVault.Access;

/// <summary>
/// Evaluates a caller against a vault's access policies. Grants are cached per vault under the policy stamp they were
/// read with, and re-read only when the vault's stamp in the (fresh) <see cref="VaultStateWatcher"/> snapshot differs,
/// so the request path reads no table while policies are unchanged.
/// </summary>
public sealed class AccessPolicies(Tables tables, ResiliencePipelines resilience)
{
    private sealed record Loaded(string Stamp, IReadOnlyList<Grant> Grants);

    private readonly ConcurrentDictionary<string, Loaded> _cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Allows when any entry for the caller (object id or one of its groups) covers <paramref name="objectName"/> and
    /// grants the permission: vault-wide and key-scoped entries combine as a union. Without an object name only
    /// vault-wide entries count.
    /// </summary>
    public async Task DemandAsync(Vault vault, CallerIdentity caller, PermissionScope scope, string permission, string? objectName, CancellationToken ct)
    {
        var grants = await GrantsAsync(vault, ct);
        var ids = new HashSet<string>(caller.Groups, StringComparer.OrdinalIgnoreCase) { caller.ObjectId };
        foreach (var g in grants)
        {
            if (!ids.Contains(g.ObjectId)) continue;
            // A compound entry (objectId + applicationId) applies only when the caller uses that application.
            if (g.ApplicationId is { Length: > 0 } app && !app.Equals(caller.AppId, StringComparison.OrdinalIgnoreCase)) continue;
            // Key-scoped entries name keys, so they never grant secrets permissions.
            if (g.Scope != KeyScope.Vault && scope != PermissionScope.Keys) continue;
            if (!KeyScope.Covers(g.Scope, objectName)) continue;
            var set = scope == PermissionScope.Keys ? g.Keys : g.Secrets;
            if (set.Contains(permission)) return;
        }
        var on = objectName is null ? "" : $" on {(scope == PermissionScope.Keys ? "key" : "secret")} '{objectName}'";
        throw VaultException.Forbidden("AccessDenied",
            $"The user, group or application '{Describe(caller)}' does not have {scope.ToString().ToLowerInvariant()} {permission} permission{on} in key vault '{vault.Name}'.");
    }

    private async Task<IReadOnlyList<Grant>> GrantsAsync(Vault vault, CancellationToken ct)
    {
        if (_cache.TryGetValue(vault.Name, out var cached) && cached.Stamp == vault.PolicyStamp) return cached.Grants;
        var loaded = await resilience.StorageRead.ExecuteAsync(async t =>
        {
            // The vault row and its entries come from one partition read, so the stamp matches the grants it is cached with.
            var stamp = "";
            var grants = new List<Grant>();
            await foreach (var e in tables.Vaults.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {vault.Name}"), cancellationToken: t))
            {
                if (e.RowKey == VaultEntity.Row) stamp = e.GetString(nameof(VaultEntity.PolicyStamp)) ?? "";
                else if (e.RowKey.StartsWith(AccessPolicyEntity.RowPrefix, StringComparison.Ordinal)) grants.Add(Grant.From(e));
            }
            return new Loaded(stamp, grants);
        }, ct);
        _cache[vault.Name] = loaded;
        return loaded.Grants;
    }

    private static string Describe(CallerIdentity c) => c.AppId is { Length: > 0 } app ? $"oid={c.ObjectId};appid={app}" : $"oid={c.ObjectId}";
}

public enum PermissionScope { Keys, Secrets }
