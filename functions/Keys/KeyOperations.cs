using HsmVault.Access;
using HsmVault.Objects;

namespace HsmVault.Keys;

/// <summary>Each keys operation with its audit name and the access-policy permission it needs.</summary>
public static class KeyOperations
{
    public static readonly VaultOperation Create = new("KeyCreate", PermissionScope.Keys, "create");
    public static readonly VaultOperation Import = new("KeyImport", PermissionScope.Keys, "import");
    public static readonly VaultOperation Get = new("KeyGet", PermissionScope.Keys, "get");
    public static readonly VaultOperation List = new("KeyList", PermissionScope.Keys, "list");
    public static readonly VaultOperation ListVersions = new("KeyListVersions", PermissionScope.Keys, "list");
    public static readonly VaultOperation Update = new("KeyUpdate", PermissionScope.Keys, "update");
    public static readonly VaultOperation Sign = new("KeySign", PermissionScope.Keys, "sign");
    public static readonly VaultOperation Verify = new("KeyVerify", PermissionScope.Keys, "verify");
    public static readonly VaultOperation Encrypt = new("KeyEncrypt", PermissionScope.Keys, "encrypt");
    public static readonly VaultOperation Decrypt = new("KeyDecrypt", PermissionScope.Keys, "decrypt");
    public static readonly VaultOperation WrapKey = new("KeyWrap", PermissionScope.Keys, "wrapKey");
    public static readonly VaultOperation UnwrapKey = new("KeyUnwrap", PermissionScope.Keys, "unwrapKey");
    /// <summary>Random bytes come from the vault's HSM; any caller allowed to read keys may ask for them.</summary>
    public static readonly VaultOperation Random = new("GetRandomBytes", PermissionScope.Keys, "get");
}
