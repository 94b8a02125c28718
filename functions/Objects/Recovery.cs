namespace HsmVault.Objects;

/// <summary>Key Vault's recovery levels, from a vault's soft-delete retention and purge protection.</summary>
public static class Recovery
{
    public const int DefaultRetentionDays = 90;
    public const int MinRetentionDays = 7;
    public const int MaxRetentionDays = 90;

    public static string LevelOf(Vault vault) => (vault.SoftDeleteRetentionDays < DefaultRetentionDays, vault.PurgeProtection) switch
    {
        (false, false) => "Recoverable+Purgeable",
        (false, true) => "Recoverable",
        (true, false) => "CustomizedRecoverable+Purgeable",
        (true, true) => "CustomizedRecoverable",
    };

    public static VaultException PurgeProtected() => VaultException.Forbidden("PurgeProtectionEnabled",
        "Operation \"purge\" is not allowed because purge protection is enabled for this vault. Key Vault service will " +
        "automatically purge it after the retention period has passed.");
}
