using System.Net;
using HsmVault.Access;
using HsmVault.Identity;
using HsmVault.Pipeline;

namespace HsmVault.Tests.Storage;

public sealed class AccessPoliciesTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private const string Tenant = "11111111-1111-4111-8111-111111111111";
    private readonly AccessPolicies _policies = new(storage.Tables, storage.Resilience, TimeProvider.System);
    private readonly string _vault = "v" + Guid.NewGuid().ToString("N")[..12];
    private static CancellationToken Ct => CancellationToken.None;

    private static CallerIdentity Caller(string oid, string? app = null, params string[] groups) => new(oid, Tenant, app, groups, []);
    private static string NewId() => Guid.NewGuid().ToString();

    private async Task<VaultException> DeniedAsync(CallerIdentity caller, PermissionScope scope, string permission)
    {
        var e = await Assert.ThrowsAsync<VaultException>(() => _policies.DemandAsync(_vault, caller, scope, permission, Ct));
        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden", "AccessDenied"), (e.Status, e.Code, e.InnerCode));
        return e;
    }

    [Fact]
    public async Task Granted_permissions_pass_and_others_are_denied_by_name()
    {
        var oid = NewId();
        await _policies.PutAsync(_vault, oid, Tenant, "get,sign", "get", Ct);

        await _policies.DemandAsync(_vault, Caller(oid), PermissionScope.Keys, "sign", Ct);
        await _policies.DemandAsync(_vault, Caller(oid), PermissionScope.Keys, "get", Ct);
        await _policies.DemandAsync(_vault, Caller(oid), PermissionScope.Secrets, "get", Ct);

        var e = await DeniedAsync(Caller(oid), PermissionScope.Keys, "verify");
        Assert.Contains("keys verify", e.Message);
        Assert.Contains(oid, e.Message);
        Assert.Contains(_vault, e.Message);
        Assert.Contains("secrets set", (await DeniedAsync(Caller(oid), PermissionScope.Secrets, "set")).Message);
    }

    [Fact]
    public async Task Unknown_principal_and_other_vault_are_denied()
    {
        var oid = NewId();
        await _policies.PutAsync(_vault, oid, Tenant, "all", "all", Ct);
        await DeniedAsync(Caller(NewId()), PermissionScope.Keys, "get");
        await Assert.ThrowsAsync<VaultException>(() => _policies.DemandAsync("other" + _vault, Caller(oid), PermissionScope.Keys, "get", Ct));
    }

    [Fact]
    public async Task Object_ids_match_case_insensitively()
    {
        var oid = NewId().ToUpperInvariant();
        await _policies.PutAsync(_vault, oid, Tenant, "wrapKey", "", Ct);
        await _policies.DemandAsync(_vault, Caller(oid.ToLowerInvariant()), PermissionScope.Keys, "wrapKey", Ct);
    }

    [Fact]
    public async Task A_group_grant_applies_to_its_members()
    {
        var group = NewId();
        await _policies.PutAsync(_vault, group, Tenant, "encrypt", "", Ct);

        await _policies.DemandAsync(_vault, Caller(NewId(), null, NewId(), group), PermissionScope.Keys, "encrypt", Ct);
        await DeniedAsync(Caller(NewId(), null, NewId()), PermissionScope.Keys, "encrypt");
        await DeniedAsync(Caller(NewId(), null, group), PermissionScope.Keys, "decrypt");
    }

    [Fact]
    public async Task A_compound_grant_applies_only_through_its_application()
    {
        var oid = NewId();
        await storage.Tables.Policies.AddEntityAsync(new AccessPolicyEntity
        {
            PartitionKey = _vault, RowKey = oid, TenantId = Tenant, ApplicationId = "app-one", Keys = "get", Secrets = "",
        });

        await _policies.DemandAsync(_vault, Caller(oid, "APP-ONE"), PermissionScope.Keys, "get", Ct);
        var e = await DeniedAsync(Caller(oid, "app-two"), PermissionScope.Keys, "get");
        Assert.Contains("appid=app-two", e.Message);
        await DeniedAsync(Caller(oid), PermissionScope.Keys, "get");
    }

    [Fact]
    public async Task Revocation_by_another_instance_is_enforced_after_the_cache_lifetime()
    {
        var oid = NewId();
        await _policies.PutAsync(_vault, oid, Tenant, "sign", "", Ct);
        await _policies.DemandAsync(_vault, Caller(oid), PermissionScope.Keys, "sign", Ct); // now cached

        await storage.Tables.Policies.DeleteEntityAsync(_vault, oid.ToLowerInvariant()); // as another instance would
        await Task.Delay(AccessPolicies.CacheLifetime + TimeSpan.FromMilliseconds(300));

        await DeniedAsync(Caller(oid), PermissionScope.Keys, "sign");
    }

    [Fact]
    public async Task Changes_through_this_instance_apply_at_once()
    {
        var oid = NewId();
        await _policies.PutAsync(_vault, oid, Tenant, "get", "", Ct);
        await DeniedAsync(Caller(oid), PermissionScope.Keys, "list");
        await _policies.PutAsync(_vault, oid, Tenant, "get,list", "", Ct);
        await _policies.DemandAsync(_vault, Caller(oid), PermissionScope.Keys, "list", Ct);
    }

    [Fact]
    public async Task Unknown_permission_names_are_refused_before_storing()
    {
        var oid = NewId();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => _policies.PutAsync(_vault, oid, Tenant, "get,launch", "", Ct));
        Assert.Contains("'launch'", e.Message);
        Assert.False((await storage.Tables.Policies.GetEntityIfExistsAsync<AccessPolicyEntity>(_vault, oid)).HasValue);
    }
}
