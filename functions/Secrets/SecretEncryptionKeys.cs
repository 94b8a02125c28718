using System.Collections.Concurrent;
using Azure;
using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.Extensions.Logging;

namespace HsmVault.Secrets;

/// <summary>
/// Each vault's AES-256 secret-encryption key: a non-extractable token object generated in the HSM on the vault's first
/// secret, and referenced by one row in the vault-keys table. Race-safe across instances: the row is inserted with
/// AddEntity, and an instance that loses the race (409) destroys the key it just generated and uses the winner's.
/// </summary>
public sealed class SecretEncryptionKeys(IVaultTokens tokens, Tables tables, ResiliencePipelines resilience, TimeProvider clock,
    ILogger<SecretEncryptionKeys> logger)
{
    private const int KeyBits = 256;
    private readonly ConcurrentDictionary<string, HsmKeyId> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _provisioning = new(1, 1);

    public async Task<HsmKeyId> ForVaultAsync(string vault, CancellationToken ct)
    {
        if (_known.TryGetValue(vault, out var id)) return id;
        await _provisioning.WaitAsync(ct);
        try
        {
            if (_known.TryGetValue(vault, out id)) return id;
            id = await FindAsync(vault, ct) ?? await CreateAsync(vault);
            _known[vault] = id;
            return id;
        }
        finally
        {
            _provisioning.Release();
        }
    }

    /// <summary>Drops a vault's key from this instance's cache (the vault was purged and a new one may take its name).</summary>
    public void Forget(string vault) => _known.TryRemove(vault, out _);

    private async Task<HsmKeyId?> FindAsync(string vault, CancellationToken ct)
    {
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await tables.VaultKeys.GetEntityIfExistsAsync<VaultKeyEntity>(vault, VaultKeyEntity.SecretEncryption, cancellationToken: t), ct);
        return row.HasValue ? new HsmKeyId(row.Value!.HsmKeyId) : null;
    }

    /// <summary>Generates a key and publishes it; not cancellable midway, so no key is left half-published.</summary>
    private async Task<HsmKeyId> CreateAsync(string vault)
    {
        // On the vault's own token: a vault bound to a customer's HSM seals its secrets there.
        var hsm = tokens.For(vault);
        var fresh = resilience.Hsm(hsm.TokenId, vault).Once.Execute(() =>
            hsm.GenerateAes(KeyBits, HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, $"{vault}/{VaultKeyEntity.SecretEncryption}"));
        var row = new VaultKeyEntity
        {
            PartitionKey = vault, RowKey = VaultKeyEntity.SecretEncryption, HsmKeyId = fresh.Value, Algorithm = "A256GCM",
            Created = clock.GetUtcNow(),
        };
        try
        {
            await resilience.StorageWrite.ExecuteAsync(async t => await tables.VaultKeys.AddEntityAsync(row, t), CancellationToken.None);
            logger.LogInformation("Vault {Vault}: secret-encryption key {HsmKeyId} created in the HSM", vault, fresh.Value);
            return fresh;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another instance published first: ours was never used, so it goes.
            Destroy(hsm, vault, fresh);
            return await FindAsync(vault, CancellationToken.None)
                ?? throw new InvalidOperationException($"Vault {vault}: the secret-encryption key row vanished after a conflict.");
        }
        catch
        {
            // The write's outcome is unknown (it may have landed): only the row says whether our key is in use.
            var stored = await FindAsync(vault, CancellationToken.None);
            if (stored == fresh) return fresh;
            Destroy(hsm, vault, fresh);
            if (stored is { } winner) return winner;
            throw;
        }
    }

    private void Destroy(IHsm hsm, string vault, HsmKeyId id)
    {
        try { resilience.Hsm(hsm.TokenId, vault).Once.Execute(() => hsm.DestroyKey(id)); }
        catch (Exception e) { logger.LogError("Orphan HSM key {HsmKeyId} left after losing the secret-key race: {Error}", id.Value, e.GetType().Name); }
    }
}
