using System.Text;
using HsmVault.Objects;

namespace HsmVault.Secrets;

/// <summary>The secrets of a vault on the versioned-object core; a secret version is a value sealed in the HSM.</summary>
public sealed class SecretObjects(SecretStore store, TimeProvider clock) : VersionedObjects<SecretEntity>(store, ObjectKind.Secret, clock);

/// <summary>
/// Set, read, list, update, delete, recover, purge, back up and restore secrets. Values are sealed in the HSM before they
/// reach Table storage; everything that is not about the value is the object core's.
/// </summary>
public sealed class SecretLifecycle(SecretObjects objects, SecretStore store, SecretCipher cipher, BackupBlobs backups)
{
    public async Task<SecretBundle> SetAsync(OperationContext ctx, string name, SecretSetParameters p)
    {
        var plaintext = SecretLimits.Value(p.Value);
        var entity = objects.NewVersion(ctx, name, p.Attributes, p.Tags);
        entity.ContentType = SecretLimits.ContentType(p.ContentType);
        try
        {
            await cipher.SealAsync(entity, ctx.Vault.Name, plaintext, ctx.Cancellation);
        }
        finally
        {
            Array.Clear(plaintext);
        }
        await objects.AddVersionAsync(ctx, entity);
        return SecretMapper.Bundle(ctx.Vault, entity, p.Value);
    }

    /// <summary>
    /// The value of a version. The row may be up to a second old (reads on the hot path): the sealed value is still
    /// opened, and so integrity-checked, in the HSM on every read.
    /// </summary>
    public async Task<SecretBundle> GetAsync(OperationContext ctx, string name, string? version)
    {
        var secret = await objects.FindAsync(ctx, name, version, recent: true);
        if (!secret.Enabled)
            throw VaultException.Forbidden("SecretDisabled", "Operation get is not allowed on a disabled secret.");
        // As in Key Vault, nbf and exp do not block reads: a not-yet-valid or expired secret is still returned.
        var plaintext = cipher.Open(secret, ctx.Vault.Name);
        try
        {
            return SecretMapper.Bundle(ctx.Vault, secret, Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            Array.Clear(plaintext);
        }
    }

    public async Task<SecretListResult> ListAsync(OperationContext ctx, string? name, PageRequest request)
    {
        var page = await objects.ListAsync(ctx, name, request,
            s => name is null ? SecretMapper.Item(ctx.Vault, s) : SecretMapper.VersionItem(ctx.Vault, s));
        return new SecretListResult(page.Items, page.NextLink);
    }

    public async Task<SecretBundle> UpdateAsync(OperationContext ctx, string name, string? version, SecretUpdateParameters p)
    {
        var contentType = SecretLimits.ContentType(p.ContentType);
        var secret = await objects.UpdateAsync(ctx, name, version, p.Attributes, p.Tags, s =>
        {
            if (contentType is not null) s.ContentType = contentType;
        });
        return SecretMapper.Bundle(ctx.Vault, secret, value: null);
    }

    /// <summary>Every version with its value, sealed under the deployment's backup key (never in the clear).</summary>
    public async Task<BackupResult> BackupAsync(OperationContext ctx, string name)
    {
        var current = await objects.FindAsync(ctx, name, null);
        var versions = (await store.AllVersionsAsync(ctx.Vault.Name, current.Name, ctx.Cancellation)).Where(v => !v.Deleted && !v.Abandoned).ToList();
        var payload = new SecretBackup(current.Name, current.Version, versions.Select(v =>
        {
            var plaintext = cipher.Open(v, ctx.Vault.Name);
            try
            {
                return new SecretBackupVersion(v.Version, v.ContentType, v.Enabled, v.NotBefore, v.Expires, v.Created, v.Updated, v.Tags,
                    Encoding.UTF8.GetString(plaintext));
            }
            finally
            {
                Array.Clear(plaintext);
            }
        }).ToList());
        return new BackupResult(backups.Seal(ctx.Vault, ObjectKind.Secret, payload));
    }

    /// <summary>Restores names, versions, attributes, tags and ids; each value is sealed again under this vault's key.</summary>
    public async Task<SecretBundle> RestoreAsync(OperationContext ctx, BackupRestoreParameters p)
    {
        var backup = await objects.OpenBackupAsync<SecretBackup>(ctx, backups, p.Value);
        var name = backup.Name;
        var rows = new List<SecretEntity>();
        foreach (var v in backup.Versions)
        {
            var row = new SecretEntity
            {
                PartitionKey = ctx.Vault.Name, Name = name, Version = ObjectNames.Version(v.Version, "secret") ?? throw VaultException.BadParameter("A version is missing."),
                ContentType = v.ContentType, Enabled = v.Enabled, NotBefore = v.NotBefore, Expires = v.Expires, Created = v.Created, Updated = v.Updated, Tags = v.Tags,
            };
            var plaintext = Encoding.UTF8.GetBytes(v.Value);
            try
            {
                await cipher.SealAsync(row, ctx.Vault.Name, plaintext, ctx.Cancellation);
            }
            finally
            {
                Array.Clear(plaintext);
            }
            rows.Add(row);
        }
        var current = rows.Single(r => r.Version == backup.Current);
        if (!await store.RestoreAsync(ctx.Vault.Name, name, rows, current, CancellationToken.None))
            throw objects.IdOf(ctx, name).RestoreConflict();
        ctx.AuditObjectId = ObjectId.Of(ObjectKind.Secret, ctx.Vault, current).AuditId;
        return SecretMapper.Bundle(ctx.Vault, current, value: null);
    }

}

/// <summary>The sealed payload of a secret backup.</summary>
public sealed record SecretBackup(string Name, string Current, List<SecretBackupVersion> Versions) : IObjectBackup
{
    [System.Text.Json.Serialization.JsonIgnore] public IEnumerable<string> VersionIds => Versions.Select(v => v?.Version!); // a null entry: no id (BackupBlobs.Payload refuses it)
}

public sealed record SecretBackupVersion(string Version, string? ContentType, bool Enabled, DateTimeOffset? NotBefore, DateTimeOffset? Expires,
    DateTimeOffset Created, DateTimeOffset Updated, string? Tags, string Value);
