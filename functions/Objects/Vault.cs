namespace HsmVault.Objects;

/// <summary>
/// A vault as the request pipeline sees it, with what its objects' lifecycle needs: the soft-delete retention (days)
/// and whether purge protection is on.
/// </summary>
public sealed record Vault(string Name, string TenantId, bool Enabled, Uri BaseUri, string PolicyStamp = "",
    int SoftDeleteRetentionDays = Recovery.DefaultRetentionDays, bool PurgeProtection = false);
