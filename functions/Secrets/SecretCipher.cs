using System.Net;
using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using Microsoft.Extensions.Logging;

namespace HsmVault.Secrets;

/// <summary>
/// Seals and opens secret values with the vault's secret-encryption key, inside the HSM (AES-256-GCM, a 12-byte IV from
/// the HSM's RNG, additional data from <see cref="SecretSealing"/>). A value whose tag does not verify is never returned.
/// </summary>
public sealed class SecretCipher(IVaultTokens tokens, SecretEncryptionKeys keys, ResiliencePipelines resilience, ILogger<SecretCipher> logger)
{
    public async Task SealAsync(SecretEntity entity, string vault, byte[] plaintext, CancellationToken ct)
    {
        var keyId = await keys.ForVaultAsync(vault, ct);
        var aad = SecretSealing.AdditionalData(vault, entity.Name, entity.Version);
        var hsm = tokens.For(vault);
        var hsmCalls = resilience.Hsm(hsm.TokenId, vault).Idempotent;
        var iv = hsmCalls.Execute(() => hsm.GenerateRandom(SecretSealing.IvBytes));
        AesGcmCiphertext sealedValue;
        try
        {
            sealedValue = hsmCalls.Execute(() => hsm.EncryptAesGcm(keyId, iv, plaintext, aad));
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.NotFound)
        {
            // A purged vault's key was cached here and a new vault took the name: read (or make) the new vault's key.
            keys.Forget(vault);
            keyId = await keys.ForVaultAsync(vault, ct);
            sealedValue = hsmCalls.Execute(() => hsm.EncryptAesGcm(keyId, iv, plaintext, aad));
        }
        entity.Format = SecretSealing.FormatVersion;
        entity.EncryptionKeyId = keyId.Value;
        entity.Iv = iv;
        entity.Ciphertext = sealedValue.Ciphertext;
        entity.Tag = sealedValue.Tag;
    }

    public byte[] Open(SecretEntity entity, string vault)
    {
        if (entity.Format != SecretSealing.FormatVersion || entity.Iv.Length != SecretSealing.IvBytes || entity.Tag.Length != SecretSealing.TagBytes)
            throw IntegrityFailure(entity, vault, "unknown format or malformed iv/tag");
        var aad = SecretSealing.AdditionalData(vault, entity.Name, entity.Version);
        var keyId = new HsmKeyId(entity.EncryptionKeyId);
        var hsm = tokens.For(vault);
        try
        {
            return resilience.Hsm(hsm.TokenId, vault).Idempotent.Execute(() => hsm.DecryptAesGcm(keyId, entity.Iv, entity.Ciphertext, entity.Tag, aad));
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.InvalidInput)
        {
            throw IntegrityFailure(entity, vault, "the GCM tag did not verify");
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.NotFound)
        {
            logger.LogError("Vault {Vault}: secret-encryption key {HsmKeyId} of secret {Name}/{Version} is not in the HSM",
                vault, entity.EncryptionKeyId, entity.Name, entity.Version);
            throw VaultException.Unavailable("The vault's secret-encryption key is not available in its HSM.", RetryAfter.MissingVaultKey);
        }
    }

    /// <summary>
    /// A stored value that fails authentication was altered or moved at rest. Key Vault has no such case; HsmVault answers
    /// 409 Conflict / innererror SecretIntegrityFailure: not 500 (it is not a bug) and not 5xx at all, so SDKs do not retry
    /// a read that can never succeed. Setting a new version resolves it. Security officers see it in the log and audit.
    /// </summary>
    private VaultException IntegrityFailure(SecretEntity entity, string vault, string reason)
    {
        logger.LogError("Vault {Vault}: secret {Name}/{Version} failed its integrity check at rest ({Reason}); value withheld",
            vault, entity.Name, entity.Version, reason);
        return new VaultException(HttpStatusCode.Conflict, "Conflict",
            $"The stored value of secret {entity.Name}/{entity.Version} failed its integrity check and was not returned. Set a new version of the secret.",
            "SecretIntegrityFailure");
    }
}
