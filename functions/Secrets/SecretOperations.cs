using HsmVault.Access;
using HsmVault.Objects;

namespace HsmVault.Secrets;

/// <summary>Each secrets operation with its audit name and the access-policy permission it needs.</summary>
public static class SecretOperations
{
    public static readonly VaultOperation Set = new("SecretSet", PermissionScope.Secrets, "set");
    public static readonly VaultOperation Get = new("SecretGet", PermissionScope.Secrets, "get");
    public static readonly VaultOperation List = new("SecretList", PermissionScope.Secrets, "list");
    public static readonly VaultOperation ListVersions = new("SecretListVersions", PermissionScope.Secrets, "list");
    /// <summary>Key Vault has no separate "update" secret permission: updating attributes needs "set".</summary>
    public static readonly VaultOperation Update = new("SecretUpdate", PermissionScope.Secrets, "set");
}
