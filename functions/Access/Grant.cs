using Azure.Data.Tables;

namespace HsmVault.Access;

/// <summary>A parsed policy entry, as evaluated on the request path.</summary>
public sealed record Grant(string ObjectId, string? ApplicationId, string Scope, IReadOnlySet<string> Keys, IReadOnlySet<string> Secrets)
{
    public static Grant From(AccessPolicyEntity e) => new(e.ObjectId, e.ApplicationId, e.Scope,
        Permissions.Parse(e.Keys, Permissions.Keys), Permissions.Parse(e.Secrets, Permissions.Secrets));

    public static Grant From(TableEntity e) => From(new AccessPolicyEntity
    {
        ObjectId = e.GetString(nameof(AccessPolicyEntity.ObjectId)) ?? "",
        ApplicationId = e.GetString(nameof(AccessPolicyEntity.ApplicationId)),
        Scope = e.GetString(nameof(AccessPolicyEntity.Scope)) ?? KeyScope.Vault,
        Keys = e.GetString(nameof(AccessPolicyEntity.Keys)) ?? "",
        Secrets = e.GetString(nameof(AccessPolicyEntity.Secrets)) ?? "",
    });
}
