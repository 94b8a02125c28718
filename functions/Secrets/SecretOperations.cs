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
    public static readonly VaultOperation Delete = new("SecretDelete", PermissionScope.Secrets, "delete");
    public static readonly VaultOperation GetDeleted = new("SecretGetDeleted", PermissionScope.Secrets, "get");
    public static readonly VaultOperation ListDeleted = new("SecretListDeleted", PermissionScope.Secrets, "list");
    public static readonly VaultOperation Recover = new("SecretRecover", PermissionScope.Secrets, "recover");
    public static readonly VaultOperation Purge = new("SecretPurge", PermissionScope.Secrets, "purge");
    public static readonly VaultOperation Backup = new("SecretBackup", PermissionScope.Secrets, "backup");
    public static readonly VaultOperation Restore = new("SecretRestore", PermissionScope.Secrets, "restore");
}
