using System.Collections.Concurrent;
using Azure.Data.Tables;
using HsmVault.Identity;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;
using HsmVault.Telemetry;
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

    /// <summary>
    /// The vault's grants, cached under the policy stamp they are consistent with: the stamp is read (point read) before
    /// and after the entries (which may span several pages), and the entries count only when it did not change in
    /// between; every policy change commits in one transaction with a new stamp, so an unchanged stamp proves that no
    /// change landed during the read. A vault whose policies keep changing answers 503 rather than decide on a mixture.
    /// </summary>
    private async Task<IReadOnlyList<Grant>> GrantsAsync(Vault vault, CancellationToken ct)
    {
        if (_cache.TryGetValue(vault.Name, out var cached) && cached.Stamp == vault.PolicyStamp)
        {
            VaultMetrics.CacheLookup(VaultMetrics.Caches.Grants, hit: true);
            return cached.Grants;
        }
        VaultMetrics.CacheLookup(VaultMetrics.Caches.Grants, hit: false);
        for (var attempt = 1; attempt <= MaxReadAttempts; attempt++)
        {
            var before = await StampAsync(vault.Name, ct);
            var grants = await EntriesAsync(vault.Name, ct);
            if (await StampAsync(vault.Name, ct) != before) continue;
            _cache[vault.Name] = new Loaded(before, grants);
            return grants;
        }
        throw VaultException.Unavailable("The vault's access policies are being changed; retry shortly.", TimeSpan.FromSeconds(1));
    }

    private const int MaxReadAttempts = 5;

    private async Task<string> StampAsync(string vault, CancellationToken ct)
    {
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await tables.Vaults.GetEntityIfExistsAsync<TableEntity>(vault, VaultEntity.Row, [nameof(VaultEntity.PolicyStamp)], t), ct);
        return row.HasValue ? row.Value!.GetString(nameof(VaultEntity.PolicyStamp)) ?? "" : "";
    }

    private Task<List<Grant>> EntriesAsync(string vault, CancellationToken ct) =>
        resilience.StorageRead.ExecuteAsync(async t =>
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {vault} and RowKey ge {AccessPolicyEntity.RowPrefix} and RowKey lt {AccessPolicyEntity.RowPrefixEnd}");
            var grants = new List<Grant>();
            await foreach (var e in tables.Vaults.QueryAsync<TableEntity>(filter, cancellationToken: t)) grants.Add(Grant.From(e));
            return grants;
        }, ct).AsTask();

    private static string Describe(CallerIdentity c) => c.AppId is { Length: > 0 } app ? $"oid={c.ObjectId};appid={app}" : $"oid={c.ObjectId}";
}

public enum PermissionScope { Keys, Secrets }
