using System.Text.RegularExpressions;
using HsmVault.Access;
using HsmVault.Objects;

namespace HsmVault.Management;

/// <summary>Checks an ARM-shaped access policy entry and turns it into a stored one; bad input is a 400 that says what is wrong.</summary>
public static partial class AccessPolicyInput
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex AppIdPattern();

    public static AccessPolicyEntity ToEntity(string vault, string vaultTenant, string? routeObjectId, string? queryKey, AccessPolicyWire wire)
    {
        var objectId = ObjectId(routeObjectId ?? wire.ObjectId);
        if (wire.ObjectId is { Length: > 0 } bodyOid && !bodyOid.Equals(objectId, StringComparison.OrdinalIgnoreCase))
            throw VaultException.BadParameter("The objectId in the body differs from the one in the URL.");
        if (queryKey is { Length: > 0 } && wire.Key is { Length: > 0 } && !queryKey.Equals(wire.Key, StringComparison.OrdinalIgnoreCase))
            throw VaultException.BadParameter("The key scope in the query differs from the one in the body.");
        var scope = KeyScope.Parse(queryKey is { Length: > 0 } ? queryKey : wire.Key);
        var tenant = wire.TenantId is { Length: > 0 } t ? Tenant(t) : vaultTenant;
        if (!tenant.Equals(vaultTenant, StringComparison.OrdinalIgnoreCase))
            throw VaultException.BadParameter($"The policy's tenantId must be the vault's tenant ({vaultTenant}): a vault accepts tokens of its own tenant only.");
        if (wire.ApplicationId is { Length: > 0 } app && !AppIdPattern().IsMatch(app))
            throw VaultException.BadParameter("The applicationId must be an application (client) id.");
        var keys = Names(wire.Permissions?.Keys, Permissions.Keys, "keys");
        var secrets = Names(wire.Permissions?.Secrets, Permissions.Secrets, "secrets");
        if (scope != KeyScope.Vault && secrets.Length > 0)
            throw VaultException.BadParameter("A key-scoped entry can grant keys permissions only.");
        if (keys.Length == 0 && secrets.Length == 0)
            throw VaultException.BadParameter("The entry grants no permission; to revoke access, DELETE the access policy.");
        return AccessPolicyEntity.Create(vault, objectId, scope, tenant, wire.ApplicationId, keys, secrets);
    }

    public static AccessPolicyWire ToWire(AccessPolicyEntity e) => new(e.TenantId, e.ObjectId, e.ApplicationId,
        e.Scope == KeyScope.Vault ? null : e.Scope,
        new PermissionsWire(Split(e.Keys), Split(e.Secrets)));

    public static string ObjectId(string? value) => Guid.TryParse(value, out var g) && value!.Length == 36
        ? g.ToString("D")
        : throw VaultException.BadParameter("The objectId must be the object id (a GUID) of a user, group, service principal or managed identity.");

    public static string Tenant(string? value) => Guid.TryParse(value, out var g) && value!.Length == 36
        ? g.ToString("D")
        : throw VaultException.BadParameter("The tenantId must be a directory (tenant) id, a GUID.");

    private static string Names(List<string>? names, IReadOnlyList<string> known, string kind)
    {
        try
        {
            var parsed = Permissions.Parse(string.Join(',', names ?? []), known);
            return string.Join(',', known.Where(parsed.Contains));
        }
        catch (ArgumentException e)
        {
            throw VaultException.BadParameter($"permissions.{kind}: {e.Message}");
        }
    }

    private static List<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
}
