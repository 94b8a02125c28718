using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.Extensions.Logging;

namespace HsmVault.Keys;

/// <summary>The keys of a vault on the versioned-object core; purging a key version destroys its HSM objects.</summary>
public sealed class KeyObjects(KeyStore store, IVaultTokens tokens, ResiliencePipelines resilience, KeyRotationPolicies policies, TimeProvider clock)
    : VersionedObjects<KeyEntity>(store, ObjectKind.Key, clock)
{
    // Idempotent: destroying a CKA_ID that no longer exists does nothing, so an interrupted purge can run it again.
    protected override Task DestroyVersionAsync(KeyEntity version)
    {
        var hsm = tokens.For(version.PartitionKey);
        resilience.Hsm(hsm.TokenId, version.PartitionKey).Idempotent.Execute(() => hsm.DestroyKey(new HsmKeyId(version.HsmKeyId)));
        return Task.CompletedTask;
    }

    protected override Task PurgedAsync(string vault, string name, CancellationToken ct) => policies.DeleteAsync(vault, name, ct);
}

/// <summary>
/// Create, import, rotate, read, list, update, delete, recover, purge, back up and restore keys: HSM objects plus their
/// metadata rows, never one without the other. What is not about the HSM key is the object core's.
/// </summary>
public sealed partial class KeyLifecycle(
    IVaultTokens tokens, KeyObjects objects, KeyStore store, KeyMapper mapper, KeyRotationPolicies policies, BackupBlobs backups,
    ResiliencePipelines resilience, KeyQuotas quotas, TimeProvider clock, ILogger<KeyLifecycle> logger)
{
    public async Task<KeyBundle> CreateAsync(OperationContext ctx, string name, KeyCreateParameters p)
    {
        var hsm = tokens.For(ctx.Vault);
        var family = KeyTypes.FamilyOf(p.Kty);
        var ops = KeyTypes.ValidateOps(p.KeyOps, family);
        if (ops.Contains("import") && p.Kty != "RSA-HSM")
            throw VaultException.BadParameter("A key exchange key (key_ops import) must have kty RSA-HSM.");
        var usage = KeyTypes.UsageOf(ops);
        var entity = NewVersion(ctx, name, p.Kty!, ops, p.Attributes, p.Tags);
        var label = $"{ctx.Vault.Name}/{name}/{entity.Version}";
        Func<HsmKeyId> generate;
        switch (family)
        {
            case KeyFamily.Rsa:
                entity.KeySize = p.KeySize ?? 2048;
                KeyTypes.ValidateRsaSize(entity.KeySize);
                if (p.PublicExponent is { } pe && pe != 65537)
                    throw VaultException.BadParameter("Only the public exponent 65537 is supported.");
                generate = () => hsm.GenerateRsa(entity.KeySize, usage, label);
                break;
            case KeyFamily.Ec:
                var curve = KeyTypes.CurveOf(p.Crv ?? "P-256");
                RequireCurveSupport(hsm, curve);
                entity.Curve = KeyTypes.NameOf(curve);
                entity.KeySize = curve.FieldBytes() * 8;
                generate = () => hsm.GenerateEc(curve, usage, label);
                break;
            default:
                entity.KeySize = p.KeySize ?? 256;
                KeyTypes.ValidateOctSize(entity.KeySize);
                generate = () => hsm.GenerateAes(entity.KeySize, usage, label);
                break;
        }
        ctx.AuditAlgorithm = entity.Curve ?? $"{p.Kty}-{entity.KeySize}";
        await quotas.DemandNewVersionAsync(ctx, name);
        // Key generation is not idempotent: it runs once, never retried blindly.
        var id = resilience.Hsm(hsm.TokenId, ctx.Vault.Name).Once.Execute(generate);
        return await PersistAsync(ctx, entity, id);
    }

    public async Task<KeyBundle> ImportAsync(OperationContext ctx, string name, KeyImportParameters p)
    {
        var jwk = p.Key ?? throw VaultException.BadParameter("Property 'key' is required.");
        if (jwk.KeyHsm is not null) return await ImportTransferAsync(ctx, name, p, jwk);
        var hsm = tokens.For(ctx.Vault);
        var family = KeyTypes.FamilyOf(jwk.Kty);
        var ops = KeyTypes.ValidateOps(jwk.KeyOps, family);
        if (ops.Contains("import")) throw VaultException.BadParameter("A key exchange key (key_ops import) must be created in the vault, not imported.");
        var usage = KeyTypes.UsageOf(ops);
        var kty = p.Hsm == true && !jwk.Kty!.EndsWith("-HSM") ? jwk.Kty + "-HSM" : jwk.Kty!;
        var entity = NewVersion(ctx, name, kty, ops, p.Attributes, p.Tags);
        var label = $"{ctx.Vault.Name}/{name}/{entity.Version}";
        Func<HsmKeyId> import;
        switch (family)
        {
            case KeyFamily.Rsa:
                var rsa = JwkImport.Rsa(jwk);
                entity.KeySize = rsa.Modulus.Length * 8;
                KeyTypes.ValidateRsaSize(entity.KeySize);
                import = () => hsm.ImportRsa(rsa, usage, label);
                break;
            case KeyFamily.Ec:
                var ec = JwkImport.Ec(jwk);
                RequireCurveSupport(hsm, ec.Curve);
                entity.Curve = KeyTypes.NameOf(ec.Curve);
                entity.KeySize = ec.Curve.FieldBytes() * 8;
                import = () => hsm.ImportEc(ec, usage, label);
                break;
            default:
                var k = WireBytes.Decode(jwk.K, "key.k");
                entity.KeySize = k.Length * 8;
                KeyTypes.ValidateOctSize(entity.KeySize);
                import = () => hsm.ImportAes(k, usage, label);
                break;
        }
        ctx.AuditAlgorithm = entity.Curve ?? $"{kty}-{entity.KeySize}";
        await quotas.DemandNewVersionAsync(ctx, name);
        var id = resilience.Hsm(hsm.TokenId, ctx.Vault.Name).Once.Execute(import);
        return await PersistAsync(ctx, entity, id);
    }

    /// <summary>
    /// A new version with the current one's type, size or curve, key_ops and tags; its expiry from the rotation policy's
    /// expiryTime when there is one.
    /// </summary>
    public async Task<KeyBundle> RotateAsync(OperationContext ctx, string name)
    {
        var current = await objects.FindAsync(ctx, name, null);
        var policy = (await policies.FindAsync(ctx.Vault.Name, current.Name, ctx.Cancellation))?.Parsed();
        var expires = policy?.ExpiryTime is { } lifetime ? clock.GetUtcNow() + lifetime : (DateTimeOffset?)null;
        var family = KeyTypes.FamilyOf(current.Kty);
        return await CreateAsync(ctx, current.Name, new KeyCreateParameters
        {
            Kty = current.Kty,
            KeySize = family == KeyFamily.Ec ? null : current.KeySize,
            Crv = current.Curve,
            KeyOps = [.. current.KeyOps.Split(',', StringSplitOptions.RemoveEmptyEntries)],
            Tags = ObjectAttributes.Tags(current) is { } tags ? new Dictionary<string, string>(tags) : null,
            Attributes = expires is null ? null : new ObjectAttributesWire { Expires = expires.Value.ToUnixTimeSeconds() },
        });
    }

    /// <summary>
    /// A key version's row. <paramref name="recent"/> accepts a row read up to a second ago (reads for get and crypto
    /// operations); updates read it fresh, with its ETag.
    /// </summary>
    public Task<KeyEntity> FindAsync(OperationContext ctx, string name, string? version, bool recent = false) =>
        objects.FindAsync(ctx, name, version, recent);

    public async Task<KeyBundle> GetAsync(OperationContext ctx, string name, string? version) =>
        mapper.Bundle(ctx.Vault, await FindAsync(ctx, name, version, recent: true));

    public async Task<KeyListResult> ListAsync(OperationContext ctx, string? name, PageRequest request)
    {
        var page = await objects.ListAsync(ctx, name, request, k => name is null ? mapper.Item(ctx.Vault, k) : mapper.VersionItem(ctx.Vault, k));
        return new KeyListResult(page.Items, page.NextLink);
    }

    public async Task<KeyBundle> UpdateAsync(OperationContext ctx, string name, string? version, KeyUpdateParameters p)
    {
        var key = await objects.UpdateAsync(ctx, name, version, p.Attributes, p.Tags, key =>
        {
            if (p.KeyOps is null) return;
            var ops = KeyTypes.ValidateOps(p.KeyOps, KeyTypes.FamilyOf(key.Kty));
            // The HSM object's usage flags were fixed when it was made: key_ops may narrow them, never widen them.
            var widened = ops.Except(key.HsmKeyOps.Split(',')).ToList();
            if (widened.Count > 0)
                throw VaultException.BadParameter($"key_ops cannot add {string.Join(", ", widened)}: the key was created without them.");
            key.KeyOps = string.Join(',', ops);
        });
        return mapper.Bundle(ctx.Vault, key);
    }

    /// <summary>Every version, its private (or secret) part wrapped under the trusted backup key, sealed in one blob.</summary>
    public async Task<BackupResult> BackupAsync(OperationContext ctx, string name)
    {
        var current = await objects.FindAsync(ctx, name, null);
        var versions = (await store.AllVersionsAsync(ctx.Vault.Name, current.Name, ctx.Cancellation)).Where(v => !v.Deleted && !v.Abandoned).ToList();
        _ = backups.Keys(ctx.Vault); // no backup key: say so before touching any version
        var hsm = tokens.For(ctx.Vault);
        var calls = resilience.Hsm(hsm.TokenId, ctx.Vault.Name).Idempotent;
        var items = new List<KeyBackupVersion>();
        foreach (var v in versions)
        {
            var id = new HsmKeyId(v.HsmKeyId);
            var attributes = calls.Execute(() => hsm.GetKeyAttributes(id));
            if (!attributes.Extractable || !attributes.WrapWithTrusted)
                throw VaultException.BadParameter(
                    $"Key '{current.Name}' cannot be backed up: its version {v.Version} was created before this vault could back keys up, " +
                    "so its HSM object cannot be wrapped by the backup key. Rotate the key and delete the old versions' use, or rely on the HSM's own backups.");
            var wrapped = calls.Execute(() => hsm.WrapForBackup(id));
            var pub = mapper.Bundle(ctx.Vault, v).Key;
            items.Add(new KeyBackupVersion(v.Version, v.Kty, v.KeySize, v.Curve, v.KeyOps, v.HsmKeyOps, v.Enabled, v.NotBefore, v.Expires,
                v.Created, v.Updated, v.Tags, WireBytes.Encode(wrapped), pub.N, pub.E, pub.X, pub.Y));
        }
        return new BackupResult(backups.Seal(ctx.Vault, ObjectKind.Key, new KeyBackup(current.Name, current.Version, items)));
    }

    /// <summary>
    /// Restores every version as new HSM objects (unwrapped under the backup key) with the same names, versions,
    /// attributes, tags and ids; 409 if the name exists, live or deleted. Nothing is left behind when it fails.
    /// </summary>
    public async Task<KeyBundle> RestoreAsync(OperationContext ctx, BackupRestoreParameters p)
    {
        var backup = await objects.OpenBackupAsync<KeyBackup>(ctx, backups, p.Value);
        var name = backup.Name;
        await quotas.DemandRestoreAsync(ctx, name, backup.Versions.Count);
        var created = new List<HsmKeyId>();
        try
        {
            var rows = new List<KeyEntity>();
            foreach (var v in backup.Versions)
            {
                var row = new KeyEntity
                {
                    PartitionKey = ctx.Vault.Name, Name = name, Version = ObjectNames.Version(v.Version) ?? throw VaultException.BadParameter("A version is missing."),
                    Kty = v.Kty, KeySize = v.KeySize, Curve = v.Curve, KeyOps = v.KeyOps, HsmKeyOps = v.HsmKeyOps, Enabled = v.Enabled,
                    NotBefore = v.NotBefore, Expires = v.Expires, Created = v.Created, Updated = v.Updated, Tags = v.Tags,
                };
                var id = Unwrap(ctx, row, v);
                created.Add(id);
                row.HsmKeyId = id.Value;
                rows.Add(row);
            }
            var current = rows.Single(r => r.Version == backup.Current);
            // Storage still away when the restore failed: its rows may yet commit, so its HSM keys stay for the reconciliation sweep.
            if (!await store.RestoreAsync(ctx.Vault.Name, name, rows, current, CancellationToken.None,
                    outcome => { if (outcome == WriteOutcome.Unknown) created.Clear(); }))
                throw objects.IdOf(ctx, name).RestoreConflict();
            created.Clear();
            ctx.AuditObjectId = ObjectId.Of(ObjectKind.Key, ctx.Vault, current).AuditId;
            return mapper.Bundle(ctx.Vault, current);
        }
        finally
        {
            foreach (var id in created) DestroyQuietly(ctx, id);
        }
    }

    private HsmKeyId Unwrap(OperationContext ctx, KeyEntity row, KeyBackupVersion v)
    {
        var usage = KeyTypes.UsageOf(KeyTypes.ValidateOps([.. row.HsmKeyOps.Split(',', StringSplitOptions.RemoveEmptyEntries)], KeyTypes.FamilyOf(row.Kty)));
        var wrapped = WireBytes.Decode(v.Wrapped, "wrapped");
        var label = $"{ctx.Vault.Name}/{row.Name}/{row.Version}";
        var hsm = tokens.For(ctx.Vault);
        var once = resilience.Hsm(hsm.TokenId, ctx.Vault.Name).Once;
        try
        {
            // Creating HSM objects is not idempotent: once, never retried blindly.
            return KeyTypes.FamilyOf(row.Kty) switch
            {
                KeyFamily.Rsa => once.Execute(() => hsm.UnwrapRsaFromBackup(wrapped,
                    new RsaPublicKey(WireBytes.Decode(v.N, "n"), WireBytes.Decode(v.E, "e")), usage, label)),
                KeyFamily.Ec => once.Execute(() => hsm.UnwrapEcFromBackup(wrapped,
                    new EcPublicKey(KeyTypes.CurveOf(row.Curve), WireBytes.Decode(v.X, "x"), WireBytes.Decode(v.Y, "y")), usage, label)),
                _ => once.Execute(() => hsm.UnwrapAesFromBackup(wrapped, usage, label)),
            };
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.InvalidInput)
        {
            throw VaultException.BadParameter("The key backup blob is malformed: a key version does not unwrap under this deployment's backup key.");
        }
    }

    private void DestroyQuietly(OperationContext ctx, HsmKeyId id)
    {
        try
        {
            var hsm = tokens.For(ctx.Vault);
            resilience.Hsm(hsm.TokenId, ctx.Vault.Name).Once.Execute(() => hsm.DestroyKey(id));
        }
        catch (Exception e) { logger.LogError("Orphan HSM key {HsmKeyId} left after a failed restore: {Error}", id.Value, e.GetType().Name); }
    }

    private static void RequireCurveSupport(IHsm hsm, HsmCurve curve)
    {
        if (curve == HsmCurve.Secp256k1 && !hsm.Capabilities.Secp256k1)
            throw VaultException.BadParameter("Curve P-256K is not supported by this vault's HSM.");
    }

    private KeyEntity NewVersion(OperationContext ctx, string name, string kty, IReadOnlyList<string> ops, ObjectAttributesWire? attributes,
        Dictionary<string, string>? tags)
    {
        var entity = objects.NewVersion(ctx, name, attributes, tags);
        entity.Kty = kty;
        entity.KeyOps = entity.HsmKeyOps = string.Join(',', ops);
        return entity;
    }

    /// <summary>
    /// Writes the rows for a new HSM key. A failed write is settled by the object core: committed after all, the create
    /// succeeded; abandoned (the row can never appear), the HSM objects are destroyed; unknown (storage still away), they
    /// stay for the reconciliation sweep, which settles the row again before it destroys anything.
    /// </summary>
    private async Task<KeyBundle> PersistAsync(OperationContext ctx, KeyEntity entity, HsmKeyId id)
    {
        entity.HsmKeyId = id.Value;
        await objects.AddVersionAsync(ctx, entity, outcome =>
        {
            if (outcome == WriteOutcome.Abandoned)
            {
                try
                {
                    var hsm = tokens.For(ctx.Vault);
                    resilience.Hsm(hsm.TokenId, ctx.Vault.Name).Once.Execute(() => hsm.DestroyKey(id));
                }
                catch (Exception e) { logger.LogError("HSM key {HsmKeyId} of a failed create not destroyed ({Error}); the reconciliation sweep will", id.Value, e.GetType().Name); }
            }
            else
                logger.LogWarning("Key {Vault}/{Name}/{Version}: row write outcome unknown; HSM key {HsmKeyId} kept for the reconciliation sweep",
                    entity.PartitionKey, entity.Name, entity.Version, id.Value);
        });
        return mapper.Bundle(ctx.Vault, entity);
    }
}

/// <summary>The sealed payload of a key backup: each version's row and its wrapped private (or secret) part.</summary>
public sealed record KeyBackup(string Name, string Current, List<KeyBackupVersion> Versions) : IObjectBackup
{
    [System.Text.Json.Serialization.JsonIgnore] public IEnumerable<string> VersionIds => Versions.Select(v => v?.Version!); // a null entry: no id (BackupBlobs.Payload refuses it)
}

public sealed record KeyBackupVersion(string Version, string Kty, int KeySize, string? Curve, string KeyOps, string HsmKeyOps, bool Enabled,
    DateTimeOffset? NotBefore, DateTimeOffset? Expires, DateTimeOffset Created, DateTimeOffset Updated, string? Tags, string Wrapped,
    string? N, string? E, string? X, string? Y);
