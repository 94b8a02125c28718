using HsmVault.Resilience;
using HsmVault.Storage;

namespace HsmVault.Secrets;

/// <summary>Secret rows in Table storage (the secrets table, one partition per vault).</summary>
public sealed class SecretStore(Tables tables, ResiliencePipelines resilience)
    : VersionedStore<SecretEntity>(tables.Secrets, resilience, "secret")
{
    // Lists read only metadata columns: a page never carries ciphertext.
    protected override IEnumerable<string> ListColumns =>
        [nameof(SecretEntity.Name), nameof(SecretEntity.Version), nameof(SecretEntity.ContentType), nameof(SecretEntity.Enabled),
         nameof(SecretEntity.NotBefore), nameof(SecretEntity.Expires), nameof(SecretEntity.Created), nameof(SecretEntity.Updated),
         nameof(SecretEntity.Tags), nameof(SecretEntity.Deleted), nameof(SecretEntity.DeletedOn), nameof(SecretEntity.ScheduledPurge),
         nameof(SecretEntity.Purging), nameof(SecretEntity.Abandoned)];
}
