using HsmVault.Hsm;
using HsmVault.Objects;

namespace HsmVault.Keys;

// BYOK: PUT /keys/{name} with key.key_hsm. The blob is unwrapped inside the HSM under the vault's key exchange key;
// every refusal is a 400 that names the problem, and nothing is created in the HSM or the tables before all checks pass.
public sealed partial class KeyLifecycle
{
    private async Task<KeyBundle> ImportTransferAsync(OperationContext ctx, string name, KeyImportParameters p, JsonWebKey jwk)
    {
        if (jwk.D is not null || jwk.P is not null || jwk.Q is not null || jwk.DP is not null || jwk.DQ is not null || jwk.QI is not null || jwk.K is not null)
            throw VaultException.BadParameter("key.key_hsm carries the key: do not also send private key fields (d, p, q, dp, dq, qi, k).");
        var family = KeyTypes.FamilyOf(jwk.Kty);
        var ops = KeyTypes.ValidateOps(jwk.KeyOps, family);
        if (ops.Contains("import")) throw VaultException.BadParameter("A key exchange key (key_ops import) must be created in the vault, not imported.");
        var hsm = tokens.For(ctx.Vault);
        var once = resilience.Hsm(hsm.TokenId, ctx.Vault.Name).Once;
        HsmCurve? curve = family == KeyFamily.Ec ? KeyTypes.CurveOf(jwk.Crv) : null;
        if (curve is { } c) RequireCurveSupport(hsm, c);
        var blob = KeyTransferBlob.Parse(jwk.KeyHsm!);
        ctx.AuditAlgorithm = blob.Enc;
        var kek = await KeyExchangeKeyAsync(ctx, blob);
        if (!hsm.Capabilities.RsaOaep(blob.OaepHash))
            throw VaultException.BadParameter($"{blob.Enc} is not supported by this vault's HSM: it has no RSA-OAEP with {blob.OaepHash} inside the token, " +
                "and the vault never decrypts the ephemeral AES key outside it. Use CKM_RSA_AES_KEY_WRAP.");

        var kty = jwk.Kty!.EndsWith("-HSM") ? jwk.Kty : jwk.Kty + "-HSM";
        var entity = NewVersion(ctx, name, kty, ops, p.Attributes, p.Tags);
        var target = family switch { KeyFamily.Rsa => HsmTransferTarget.Rsa, KeyFamily.Ec => HsmTransferTarget.Ec, _ => HsmTransferTarget.Aes };
        var request = new HsmTransferImport(new HsmKeyId(kek.HsmKeyId), blob.OaepHash, blob.Ciphertext, target, curve, KeyTypes.UsageOf(ops),
            $"{ctx.Vault.Name}/{name}/{entity.Version}");
        await quotas.DemandNewVersionAsync(ctx, name);
        HsmImportedKey imported;
        try
        {
            imported = once.Execute(() => hsm.ImportTransfer(request));
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.InvalidInput && e.InnerException is not null)
        {
            // The token refused the blob in a step without its own message: never pass the token's words on.
            throw VaultException.BadParameter("The key transfer blob could not be unwrapped by this vault's key exchange key.");
        }
        entity.KeySize = imported.Bits;
        entity.Curve = imported.Curve is { } ic ? KeyTypes.NameOf(ic) : null;
        try
        {
            if (family == KeyFamily.Rsa) KeyTypes.ValidateRsaSize(imported.Bits);
            if (family == KeyFamily.Oct) KeyTypes.ValidateOctSize(imported.Bits);
        }
        catch (VaultException)
        {
            once.Execute(() => hsm.DestroyKey(imported.Id));
            throw;
        }
        return await PersistAsync(ctx, entity, imported.Id);
    }

    /// <summary>The blob's KEK: a version of a key in this vault, usable now, with key_ops exactly ["import"]. Else 400.</summary>
    private async Task<KeyEntity> KeyExchangeKeyAsync(OperationContext ctx, KeyTransferBlob blob)
    {
        var label = $"keys/{blob.KekName}/{blob.KekVersion}";
        ctx.AuditKeyEncryptionKey = label;
        var vaultBase = ctx.Vault.BaseUri;
        if (!string.Equals(blob.KekId.Host, vaultBase.Host, StringComparison.OrdinalIgnoreCase) || blob.KekId.Port != vaultBase.Port)
            throw VaultException.BadParameter("The key exchange key named by the blob's header.kid is not in this vault.");
        KeyEntity? kek = null;
        if (ObjectNames.IsValidName(blob.KekName) && ObjectNames.IsValidVersion(blob.KekVersion))
            kek = await store.FindAsync(ctx.Vault.Name, blob.KekName, blob.KekVersion.ToLowerInvariant(), ctx.Cancellation);
        if (kek is null)
            throw VaultException.BadParameter($"The key exchange key {label} named by the blob's header.kid was not found in this vault.");
        var now = clock.GetUtcNow();
        if (!kek.Enabled) throw VaultException.BadParameter($"The key exchange key {label} is disabled.");
        if (kek.NotBefore is { } nbf && now < nbf) throw VaultException.BadParameter($"The key exchange key {label} is not valid yet (nbf).");
        if (kek.Expires is { } exp && now >= exp) throw VaultException.BadParameter($"The key exchange key {label} has expired (exp).");
        if (!KeyTypes.IsKeyExchangeKey(kek.KeyOps) || KeyTypes.FamilyOf(kek.Kty) != KeyFamily.Rsa)
            throw VaultException.BadParameter($"The key {label} is not a key exchange key: its key_ops must be exactly [\"import\"].");
        return kek;
    }
}
