using HsmVault.Access;
using HsmVault.Vaults;

namespace HsmVault.Management;

/// <summary>List, grant and revoke a vault's access policy entries for operators.</summary>
public sealed class AccessPolicyManagement(AccessPolicyStore policies, VaultStore vaults)
{
    public async Task<ListResult<AccessPolicyWire>> ListAsync(ManagementCall call, string vaultName)
    {
        var entries = await policies.ListAsync(VaultNames.Require(vaultName), call.Cancellation);
        return new ListResult<AccessPolicyWire>(entries.Select(AccessPolicyInput.ToWire).ToList());
    }

    /// <summary>Grants <paramref name="body"/> to <paramref name="objectId"/>, vault-wide or for the key scope <paramref name="key"/>.</summary>
    public async Task<AccessPolicyWire> PutAsync(ManagementCall call, string vaultName, string objectId, string? key, AccessPolicyWire body)
    {
        var name = VaultNames.Require(vaultName);
        var vault = await vaults.GetLiveAsync(name, call.Cancellation);
        var entry = AccessPolicyInput.ToEntity(name, vault.TenantId, objectId, key, body);
        call.AuditObjectId = $"accessPolicies/{entry.ObjectId}/{entry.Scope}";
        await policies.PutAsync(entry, call.Cancellation);
        return AccessPolicyInput.ToWire(entry);
    }

    /// <summary>Revokes one entry (<paramref name="key"/> given) or every entry of <paramref name="objectId"/>.</summary>
    public async Task<AccessPolicyDeleteResult> DeleteAsync(ManagementCall call, string vaultName, string objectId, string? key)
    {
        var oid = AccessPolicyInput.ObjectId(objectId);
        var scope = key is { Length: > 0 } ? KeyScope.Parse(key) : null;
        call.AuditObjectId = $"accessPolicies/{oid}/{scope ?? "all"}";
        return new AccessPolicyDeleteResult(await policies.DeleteAsync(VaultNames.Require(vaultName), oid, scope, call.Cancellation));
    }
}
