using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.Extensions.Logging;

namespace HsmVault.Keys;

/// <summary>Create, import, read, list and update keys: HSM objects plus their metadata rows, never one without the other.</summary>
public sealed class KeyLifecycle(IHsm hsm, KeyStore store, KeyMapper mapper, ResiliencePipelines resilience, TimeProvider clock, ILogger<KeyLifecycle> logger)
{
    public const int DefaultPageSize = 25;

    public async Task<KeyBundle> CreateAsync(OperationContext ctx, string name, KeyCreateParameters p)
    {
        var family = KeyTypes.FamilyOf(p.Kty);
        var ops = KeyTypes.ValidateOps(p.KeyOps, family);
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
                RequireCurveSupport(curve);
                entity.Curve = KeyTypes.NameOf(curve);
                entity.KeySize = KeyTypes.FieldBytes(curve) * 8;
                generate = () => hsm.GenerateEc(curve, usage, label);
                break;
            default:
                entity.KeySize = p.KeySize ?? 256;
                KeyTypes.ValidateOctSize(entity.KeySize);
                generate = () => hsm.GenerateAes(entity.KeySize, usage, label);
                break;
        }
        ctx.AuditAlgorithm = entity.Curve ?? $"{p.Kty}-{entity.KeySize}";
        // Key generation is not idempotent: it runs once, never retried blindly.
        var id = resilience.HsmOnce.Execute(generate);
        return await PersistAsync(ctx, entity, id);
    }

    public async Task<KeyBundle> ImportAsync(OperationContext ctx, string name, KeyImportParameters p)
    {
        var jwk = p.Key ?? throw VaultException.BadParameter("Property 'key' is required.");
        var family = KeyTypes.FamilyOf(jwk.Kty);
        var ops = KeyTypes.ValidateOps(jwk.KeyOps, family);
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
                RequireCurveSupport(ec.Curve);
                entity.Curve = KeyTypes.NameOf(ec.Curve);
                entity.KeySize = KeyTypes.FieldBytes(ec.Curve) * 8;
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
        var id = resilience.HsmOnce.Execute(import);
        return await PersistAsync(ctx, entity, id);
    }

    /// <summary>
    /// A key version's row. <paramref name="recent"/> accepts a row read up to a second ago (reads for get and crypto
    /// operations); updates read it fresh, with its ETag.
    /// </summary>
    public async Task<KeyEntity> FindAsync(OperationContext ctx, string name, string? version, bool recent = false)
    {
        ObjectNames.Name(name);
        version = ObjectNames.Version(version);
        ctx.AuditObjectId = version is null ? $"keys/{name}" : $"keys/{name}/{version}";
        var key = await (recent
                ? store.FindRecentAsync(ctx.Vault.Name, name, version, ctx.Cancellation)
                : store.FindAsync(ctx.Vault.Name, name, version, ctx.Cancellation))
            ?? throw VaultException.NotFound("KeyNotFound",
                $"A key with (name/id) {name}{(version is null ? "" : "/" + version)} was not found in this key vault.");
        ctx.AuditObjectId = $"keys/{key.Name}/{key.Version}";
        return key;
    }

    public async Task<KeyBundle> GetAsync(OperationContext ctx, string name, string? version) =>
        mapper.Bundle(ctx.Vault, await FindAsync(ctx, name, version, recent: true));

    public async Task<KeyListResult> ListAsync(OperationContext ctx, string? name, PageRequest request)
    {
        if (name is not null) ObjectNames.Name(name);
        var page = await store.ListPageAsync(ctx.Vault.Name, name, request.MaxResults, request.Continuation, ctx.Cancellation)
            ?? throw VaultException.NotFound("KeyNotFound", $"A key with (name/id) {name} was not found in this key vault.");
        var items = page.Values.Select(k => name is null ? mapper.Item(ctx.Vault, k) : mapper.VersionItem(ctx.Vault, k)).ToList();
        var path = name is null ? "keys" : $"keys/{name}/versions";
        return new KeyListResult(items, Paging.NextLink(ctx, path, request.MaxResults, page.ContinuationToken));
    }

    public async Task<KeyBundle> UpdateAsync(OperationContext ctx, string name, string? version, KeyUpdateParameters p)
    {
        var found = await FindAsync(ctx, name, version);
        // Always update the version row itself (with its own ETag), never the current-version copy.
        var key = version is null ? await FindAsync(ctx, name, found.Version) : found;
        if (p.KeyOps is not null)
        {
            var ops = KeyTypes.ValidateOps(p.KeyOps, KeyTypes.FamilyOf(key.Kty));
            // The HSM object's usage flags were fixed when it was made: key_ops may narrow them, never widen them.
            var widened = ops.Except(key.HsmKeyOps.Split(',')).ToList();
            if (widened.Count > 0)
                throw VaultException.BadParameter($"key_ops cannot add {string.Join(", ", widened)}: the key was created without them.");
            key.KeyOps = string.Join(',', ops);
        }
        if (p.Attributes is { } a)
        {
            if (a.Enabled is { } enabled) key.Enabled = enabled;
            if (a.NotBefore is not null) key.NotBefore = ObjectAttributes.Time(a.NotBefore, "nbf");
            if (a.Expires is not null) key.Expires = ObjectAttributes.Time(a.Expires, "exp");
        }
        if (p.Tags is not null) key.Tags = ObjectAttributes.SerializeTags(ObjectAttributes.ValidateTags(p.Tags, "key"));
        key.Updated = clock.GetUtcNow();
        await store.UpdateAsync(key, ctx.Cancellation);
        return mapper.Bundle(ctx.Vault, key);
    }

    private void RequireCurveSupport(HsmCurve curve)
    {
        if (curve == HsmCurve.Secp256k1 && !hsm.Capabilities.Secp256k1)
            throw VaultException.BadParameter("Curve P-256K is not supported by this vault's HSM.");
    }

    private KeyEntity NewVersion(OperationContext ctx, string name, string kty, IReadOnlyList<string> ops, ObjectAttributesWire? attributes,
        Dictionary<string, string>? tags)
    {
        ObjectNames.Name(name);
        var now = clock.GetUtcNow();
        var entity = new KeyEntity
        {
            PartitionKey = ctx.Vault.Name, Name = name, Version = ObjectNames.NewVersion(), Kty = kty, KeyOps = string.Join(',', ops), HsmKeyOps = string.Join(',', ops),
            Enabled = attributes?.Enabled ?? true, NotBefore = ObjectAttributes.Time(attributes?.NotBefore, "nbf"), Expires = ObjectAttributes.Time(attributes?.Expires, "exp"),
            Created = now, Updated = now, Tags = ObjectAttributes.SerializeTags(ObjectAttributes.ValidateTags(tags, "key")),
        };
        ctx.AuditObjectId = $"keys/{name}/{entity.Version}";
        return entity;
    }

    /// <summary>
    /// Writes the rows for a new HSM key. If the write fails, it is settled (<see cref="KeyStore.SettleAsync"/>): committed
    /// after all, the create succeeded; abandoned, the HSM objects are destroyed and the row can never appear later;
    /// unknown (storage still away), the HSM objects stay for the reconciliation sweep, which settles it again.
    /// </summary>
    private async Task<KeyBundle> PersistAsync(OperationContext ctx, KeyEntity entity, HsmKeyId id)
    {
        entity.HsmKeyId = id.Value;
        try
        {
            await store.AddVersionAsync(entity, CancellationToken.None);
        }
        catch (Exception failure)
        {
            var outcome = KeyStore.SurelyNotWritten(failure)
                ? WriteOutcome.Abandoned
                : await store.SettleAsync(entity.PartitionKey, entity.Name, entity.Version);
            switch (outcome)
            {
                case WriteOutcome.Committed:
                    logger.LogWarning("Key {Vault}/{Name}/{Version}: its row write reported {Error} but had committed", entity.PartitionKey, entity.Name, entity.Version, failure.GetType().Name);
                    return mapper.Bundle(ctx.Vault, entity);
                case WriteOutcome.Abandoned:
                    try { resilience.HsmOnce.Execute(() => hsm.DestroyKey(id)); }
                    catch (Exception e) { logger.LogError("HSM key {HsmKeyId} of a failed create not destroyed ({Error}); the reconciliation sweep will", id.Value, e.GetType().Name); }
                    break;
                default:
                    logger.LogWarning("Key {Vault}/{Name}/{Version}: row write outcome unknown ({Error}); HSM key {HsmKeyId} kept for the reconciliation sweep",
                        entity.PartitionKey, entity.Name, entity.Version, failure.GetType().Name, id.Value);
                    break;
            }
            throw;
        }
        return mapper.Bundle(ctx.Vault, entity);
    }
}
