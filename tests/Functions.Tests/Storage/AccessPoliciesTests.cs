using System.Net;
using HsmVault.Access;
using HsmVault.Identity;
using HsmVault.Objects;

namespace HsmVault.Tests.Storage;

public sealed class AccessPoliciesTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private const string Tenant = "11111111-1111-4111-8111-111111111111";
    private readonly VaultInstance _a = new(storage);
    private readonly string _vault = "v" + Guid.NewGuid().ToString("N")[..12];
    private static CancellationToken Ct => CancellationToken.None;

    private static CallerIdentity Caller(string oid, string? app = null, params string[] groups) => new(oid, Tenant, app, groups, []);
    private static string NewId() => Guid.NewGuid().ToString();

    private async Task GrantAsync(string oid, string keys, string secrets = "", string scope = KeyScope.Vault, string? app = null, VaultInstance? on = null)
    {
        var instance = on ?? _a;
        if (!instance.Watcher.Current.Vaults.ContainsKey(_vault)) await instance.CreateAsync(_vault, Tenant);
        await instance.PolicyStore.PutAsync(AccessPolicyEntity.Create(_vault, oid, scope, Tenant, app, keys, secrets), Ct);
    }

    private Task DemandAsync(CallerIdentity caller, PermissionScope scope, string permission, string? key = null, VaultInstance? on = null) =>
        (on ?? _a).Policies.DemandAsync((on ?? _a).Vault(_vault), caller, scope, permission, key, Ct);

    private async Task<VaultException> DeniedAsync(CallerIdentity caller, PermissionScope scope, string permission, string? key = null, VaultInstance? on = null)
    {
        var e = await Assert.ThrowsAsync<VaultException>(() => DemandAsync(caller, scope, permission, key, on));
        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden", "AccessDenied"), (e.Status, e.Code, e.InnerCode));
        return e;
    }

    [Fact]
    public async Task Granted_permissions_pass_and_others_are_denied_by_name()
    {
        var oid = NewId();
        await GrantAsync(oid, "get,sign", "get");

        await DemandAsync(Caller(oid), PermissionScope.Keys, "sign");
        await DemandAsync(Caller(oid), PermissionScope.Keys, "get", "any-key");
        await DemandAsync(Caller(oid), PermissionScope.Secrets, "get");

        var e = await DeniedAsync(Caller(oid), PermissionScope.Keys, "verify", "k1");
        Assert.Contains("keys verify permission on key 'k1'", e.Message);
        Assert.Contains(oid, e.Message);
        Assert.Contains(_vault, e.Message);
        Assert.Contains("secrets set", (await DeniedAsync(Caller(oid), PermissionScope.Secrets, "set")).Message);
    }

    [Fact]
    public async Task Key_scoped_and_vault_wide_grants_combine_as_a_union()
    {
        var oid = NewId();
        await GrantAsync(oid, "sign", scope: "payments-signing");
        await GrantAsync(oid, "verify", scope: "reports-*");

        await DemandAsync(Caller(oid), PermissionScope.Keys, "sign", "payments-signing");
        await DeniedAsync(Caller(oid), PermissionScope.Keys, "sign", "other");
        await DeniedAsync(Caller(oid), PermissionScope.Keys, "sign"); // no object: vault-wide grants only
        await DeniedAsync(Caller(oid), PermissionScope.Keys, "get", "payments-signing");
        await DemandAsync(Caller(oid), PermissionScope.Keys, "verify", "reports-2025");

        await GrantAsync(oid, "get");
        await DemandAsync(Caller(oid), PermissionScope.Keys, "get", "payments-signing");
        await DemandAsync(Caller(oid), PermissionScope.Keys, "sign", "payments-signing");
    }

    [Fact]
    public async Task A_group_grant_applies_to_its_members()
    {
        var group = NewId();
        await GrantAsync(group, "encrypt");

        await DemandAsync(Caller(NewId(), null, NewId(), group), PermissionScope.Keys, "encrypt");
        await DeniedAsync(Caller(NewId(), null, NewId()), PermissionScope.Keys, "encrypt");
        await DeniedAsync(Caller(NewId(), null, group), PermissionScope.Keys, "decrypt");
    }

    [Fact]
    public async Task A_compound_grant_applies_only_through_its_application()
    {
        var oid = NewId();
        await GrantAsync(oid, "get", app: "app-one");

        await DemandAsync(Caller(oid, "APP-ONE"), PermissionScope.Keys, "get");
        var e = await DeniedAsync(Caller(oid, "app-two"), PermissionScope.Keys, "get");
        Assert.Contains("appid=app-two", e.Message);
        await DeniedAsync(Caller(oid), PermissionScope.Keys, "get");
    }

    [Fact]
    public async Task Revocation_on_another_instance_is_enforced_at_this_instances_next_poll()
    {
        var b = new VaultInstance(storage);
        var oid = NewId();
        await GrantAsync(oid, "sign");
        await b.Watcher.PollAsync();
        await DemandAsync(Caller(oid), PermissionScope.Keys, "sign", on: b); // now cached on b

        await _a.PolicyStore.DeleteAsync(_vault, oid, null, Ct);
        await b.Watcher.PollAsync();

        await DeniedAsync(Caller(oid), PermissionScope.Keys, "sign", on: b);
    }

    [Fact]
    public async Task Changes_through_this_instance_apply_at_once()
    {
        var oid = NewId();
        await GrantAsync(oid, "get");
        await DeniedAsync(Caller(oid), PermissionScope.Keys, "list");
        await GrantAsync(oid, "get,list");
        await DemandAsync(Caller(oid), PermissionScope.Keys, "list");
    }

    [Fact]
    public async Task Deleting_an_absent_entry_is_404()
    {
        await _a.CreateAsync(_vault, Tenant);
        var e = await Assert.ThrowsAsync<VaultException>(() => _a.PolicyStore.DeleteAsync(_vault, NewId(), null, Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.Status);
    }
}
