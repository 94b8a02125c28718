using HsmVault.Objects;
using HsmVault.Storage;

namespace HsmVault.Keys;

/// <summary>
/// Binds each AES key version to the mode family of its first use (GCM, CBC or key wrap) and refuses the others.
/// One AES key used in two modes is one key used as two primitives: CBC encryption with a chosen IV is raw AES
/// encryption, which yields the keystream of any GCM nonce (and GCM's hash key), and CBC decryption is raw AES
/// decryption, which unwraps AES-KW blobs. Key Vault allows such cross-mode use; HsmVault does not (README).
/// </summary>
public sealed class AesModeBinding(KeyStore store)
{
    private const int MaxAttempts = 5;

    public static string FamilyOf(CipherMode mode) => mode switch
    {
        CipherMode.AesGcm => "GCM",
        CipherMode.AesCbcPad => "CBC",
        CipherMode.AesKeyWrap => "KW",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Demands that <paramref name="key"/> may be used with <paramref name="alg"/>, binding it on its first AES use.</summary>
    public async Task DemandAsync(OperationContext ctx, KeyEntity key, CipherAlgorithm alg)
    {
        if (alg.Family != KeyFamily.Oct) return;
        var family = FamilyOf(alg.Mode);
        if (key.AesMode is { } cached)
        {
            Demand(cached, family, alg);
            return;
        }
        // First use seen here: record the family on the version row, guarded by its ETag, so that two first uses in
        // different families (on any instances) bind the key to exactly one of them.
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var row = await store.FindAsync(key.PartitionKey, key.Name, key.Version, ctx.Cancellation)
                ?? throw VaultException.NotFound("KeyNotFound", $"A key with (name/id) {key.Name}/{key.Version} was not found in this key vault.");
            if (row.AesMode is { } bound)
            {
                Demand(bound, family, alg);
                return;
            }
            row.AesMode = family;
            try
            {
                await store.UpdateAsync(row, ctx.Cancellation);
                return;
            }
            catch (ConcurrentChangeException) when (attempt < MaxAttempts)
            {
                // Another request changed the row meanwhile (perhaps binding it): read it again.
            }
        }
    }

    private static void Demand(string bound, string family, CipherAlgorithm alg)
    {
        if (bound == family) return;
        throw VaultException.BadParameter(
            $"Algorithm '{alg.Name}' cannot be used with this key: it is bound to {Describe(bound)}, the mode of its first use. " +
            "Using one AES key in two modes would let one mode reveal data protected by the other; use a separate key per mode.");
    }

    private static string Describe(string family) => family switch
    {
        "GCM" => "AES-GCM",
        "CBC" => "AES-CBC",
        _ => "AES key wrap",
    };
}
