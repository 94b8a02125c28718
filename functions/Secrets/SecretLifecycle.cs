using System.Text;
using HsmVault.Objects;
using HsmVault.Storage;

namespace HsmVault.Secrets;

/// <summary>Set, read, list and update secrets. Values are sealed in the HSM before they reach Table storage.</summary>
public sealed class SecretLifecycle(SecretStore store, SecretCipher cipher, TimeProvider clock)
{
    public async Task<SecretBundle> SetAsync(OperationContext ctx, string name, SecretSetParameters p)
    {
        ObjectNames.Name(name);
        var plaintext = SecretLimits.Value(p.Value);
        var now = clock.GetUtcNow();
        var entity = new SecretEntity
        {
            PartitionKey = ctx.Vault.Name, Name = name, Version = ObjectNames.NewVersion(),
            ContentType = SecretLimits.ContentType(p.ContentType),
            Enabled = p.Attributes?.Enabled ?? true,
            NotBefore = ObjectAttributes.Time(p.Attributes?.NotBefore, "nbf"), Expires = ObjectAttributes.Time(p.Attributes?.Expires, "exp"),
            Created = now, Updated = now, Tags = ObjectAttributes.SerializeTags(ObjectAttributes.ValidateTags(p.Tags, "secret")),
        };
        ctx.AuditObjectId = $"secrets/{name}/{entity.Version}";
        try
        {
            await cipher.SealAsync(entity, ctx.Vault.Name, plaintext, ctx.Cancellation);
        }
        finally
        {
            Array.Clear(plaintext);
        }
        try
        {
            await store.AddVersionAsync(entity, CancellationToken.None);
        }
        // A write that timed out may still commit: settle it, so a set the caller was told failed never appears later.
        catch (Exception failure) when (!SecretStore.SurelyNotWritten(failure))
        {
            if (await store.SettleAsync(entity.PartitionKey, entity.Name, entity.Version) != WriteOutcome.Committed) throw;
        }
        return SecretMapper.Bundle(ctx.Vault, entity, p.Value);
    }

    public async Task<SecretBundle> GetAsync(OperationContext ctx, string name, string? version)
    {
        var secret = await FindAsync(ctx, name, version, recent: true);
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
        if (name is not null) ObjectNames.Name(name);
        var page = await store.ListPageAsync(ctx.Vault.Name, name, request.MaxResults, request.Continuation, ctx.Cancellation)
            ?? throw NotFound(name!, null);
        if (name is not null) ctx.AuditObjectId = $"secrets/{name}";
        var items = page.Values.Select(s => name is null ? SecretMapper.Item(ctx.Vault, s) : SecretMapper.VersionItem(ctx.Vault, s)).ToList();
        var path = name is null ? "secrets" : $"secrets/{name}/versions";
        return new SecretListResult(items, Paging.NextLink(ctx, path, request.MaxResults, page.ContinuationToken));
    }

    public async Task<SecretBundle> UpdateAsync(OperationContext ctx, string name, string? version, SecretUpdateParameters p)
    {
        var contentType = SecretLimits.ContentType(p.ContentType);
        var tags = ObjectAttributes.ValidateTags(p.Tags, "secret");
        var nbf = ObjectAttributes.Time(p.Attributes?.NotBefore, "nbf");
        var exp = ObjectAttributes.Time(p.Attributes?.Expires, "exp");
        var found = await FindAsync(ctx, name, version);
        // Always update the version row itself (with its own ETag), never the current-version copy.
        var secret = version is null ? await FindAsync(ctx, name, found.Version) : found;
        if (contentType is not null) secret.ContentType = contentType;
        if (p.Attributes?.Enabled is { } enabled) secret.Enabled = enabled;
        if (nbf is not null) secret.NotBefore = nbf;
        if (exp is not null) secret.Expires = exp;
        if (tags is not null) secret.Tags = ObjectAttributes.SerializeTags(tags);
        secret.Updated = clock.GetUtcNow();
        await store.UpdateAsync(secret, ctx.Cancellation);
        return SecretMapper.Bundle(ctx.Vault, secret, value: null);
    }

    /// <summary>
    /// A secret version's row. <paramref name="recent"/> (reads of the value) accepts a row read up to a second ago:
    /// the sealed value is still opened, and so integrity-checked, in the HSM on every read. Updates read it fresh.
    /// </summary>
    private async Task<SecretEntity> FindAsync(OperationContext ctx, string name, string? version, bool recent = false)
    {
        ObjectNames.Name(name);
        version = ObjectNames.Version(version, "secret");
        ctx.AuditObjectId = version is null ? $"secrets/{name}" : $"secrets/{name}/{version}";
        var secret = await (recent
            ? store.FindRecentAsync(ctx.Vault.Name, name, version, ctx.Cancellation)
            : store.FindAsync(ctx.Vault.Name, name, version, ctx.Cancellation)) ?? throw NotFound(name, version);
        ctx.AuditObjectId = $"secrets/{secret.Name}/{secret.Version}";
        return secret;
    }

    private static VaultException NotFound(string name, string? version) => VaultException.NotFound("SecretNotFound",
        $"A secret with (name/id) {name}{(version is null ? "" : "/" + version)} was not found in this key vault.");
}
