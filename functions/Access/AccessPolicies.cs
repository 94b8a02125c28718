using System.Collections.Concurrent;
using Azure.Data.Tables;
using HsmVault.Identity;
using HsmVault.Pipeline;
using HsmVault.Resilience;
using HsmVault.Storage;

namespace HsmVault.Access;

/// <summary>
/// Evaluates a caller against a vault's access policies in Table storage. Policies are cached per vault for
/// at most <see cref="CacheLifetime"/>, so a revocation is enforced within that time without a storage read per request.
/// </summary>
public sealed class AccessPolicies(Tables tables, ResiliencePipelines resilience, TimeProvider clock)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(1);

    private sealed record Grant(string ObjectId, string? ApplicationId, IReadOnlySet<string> Keys, IReadOnlySet<string> Secrets);

    private readonly ConcurrentDictionary<string, (IReadOnlyList<Grant> Grants, DateTimeOffset Expires)> _cache = new();

    public async Task DemandAsync(string vault, CallerIdentity caller, PermissionScope scope, string permission, CancellationToken ct)
    {
        var grants = await GrantsAsync(vault, ct);
        var ids = new HashSet<string>(caller.Groups, StringComparer.OrdinalIgnoreCase) { caller.ObjectId };
        foreach (var g in grants)
        {
            if (!ids.Contains(g.ObjectId)) continue;
            // A compound entry (objectId + applicationId) applies only when the caller uses that application.
            if (g.ApplicationId is { Length: > 0 } app && !app.Equals(caller.AppId, StringComparison.OrdinalIgnoreCase)) continue;
            var set = scope == PermissionScope.Keys ? g.Keys : g.Secrets;
            if (set.Contains(permission)) return;
        }
        throw VaultException.Forbidden("AccessDenied",
            $"The user, group or application '{Describe(caller)}' does not have {scope.ToString().ToLowerInvariant()} {permission} permission on key vault '{vault}'.");
    }

    public async Task PutAsync(string vault, string objectId, string tenantId, string keys, string secrets, CancellationToken ct)
    {
        // Parse to refuse unknown names before anything is stored.
        Permissions.Parse(keys, Permissions.Keys);
        Permissions.Parse(secrets, Permissions.Secrets);
        var entity = new AccessPolicyEntity { PartitionKey = vault, RowKey = objectId.ToLowerInvariant(), TenantId = tenantId, Keys = keys, Secrets = secrets };
        await resilience.StorageWrite.ExecuteAsync(async t => await tables.Policies.UpsertEntityAsync(entity, TableUpdateMode.Replace, t), ct);
        _cache.TryRemove(vault, out _);
    }

    private async Task<IReadOnlyList<Grant>> GrantsAsync(string vault, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(vault, out var cached) && cached.Expires > now) return cached.Grants;
        var grants = await resilience.StorageRead.ExecuteAsync(async t =>
        {
            var list = new List<Grant>();
            await foreach (var e in tables.Policies.QueryAsync<AccessPolicyEntity>(p => p.PartitionKey == vault, cancellationToken: t))
                list.Add(new Grant(e.RowKey, e.ApplicationId,
                    Permissions.Parse(e.Keys, Permissions.Keys), Permissions.Parse(e.Secrets, Permissions.Secrets)));
            return list;
        }, ct);
        _cache[vault] = (grants, now + CacheLifetime);
        return grants;
    }

    private static string Describe(CallerIdentity c) => c.AppId is { Length: > 0 } app ? $"oid={c.ObjectId};appid={app}" : $"oid={c.ObjectId}";
}

public enum PermissionScope { Keys, Secrets }
