namespace HsmVault.Objects;

/// <summary>
/// A vault as the request pipeline sees it, with what its objects' lifecycle needs: the soft-delete retention (days)
/// and whether purge protection is on; <see cref="Hsm"/> is the customer's own HSM it is bound to (null: the deployment's).
/// </summary>
public sealed record Vault(string Name, string TenantId, bool Enabled, Uri BaseUri, string PolicyStamp = "",
    int SoftDeleteRetentionDays = Recovery.DefaultRetentionDays, bool PurgeProtection = false, HsmBinding? Hsm = null);
