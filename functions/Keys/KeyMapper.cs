using System.Collections.Concurrent;
using System.Text.Json;
using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Vaults;

namespace HsmVault.Keys;

/// <summary>Maps stored key rows to Key Vault wire shapes; public parts come from the HSM's public objects.</summary>
public sealed class KeyMapper(IVaultTokens tokens, ResiliencePipelines resilience)
{
    // Public halves never change for a CKA_ID, so they are cached for the process's life.
    private readonly ConcurrentDictionary<string, JsonWebKey> _publicParts = new();
    private const int MaxCachedPublicParts = 50_000;

    public static string KidOf(Vault vault, KeyEntity key) => ObjectId.Of(ObjectKind.Key, vault, key).Uri;

    public KeyBundle Bundle(Vault vault, KeyEntity key)
    {
        if (_publicParts.Count >= MaxCachedPublicParts) _publicParts.Clear();
        var parts = _publicParts.GetOrAdd(key.HsmKeyId, _ => ReadPublicParts(key));
        var jwk = new JsonWebKey
        {
            Kid = KidOf(vault, key), Kty = key.Kty, KeyOps = [.. key.KeyOps.Split(',', StringSplitOptions.RemoveEmptyEntries)],
            N = parts.N, E = parts.E, Crv = parts.Crv, X = parts.X, Y = parts.Y,
        };
        return new KeyBundle(jwk, Attributes(vault, key), Tags(key));
    }

    /// <summary>A deleted key: the current version's public key and attributes, with its recovery id and dates.</summary>
    public DeletedKeyBundle Deleted(Vault vault, KeyEntity key)
    {
        var bundle = Bundle(vault, key);
        return new DeletedKeyBundle(bundle.Key, bundle.Attributes, bundle.Tags, ObjectId.Of(ObjectKind.Key, vault, key).RecoveryId,
            key.ScheduledPurge?.ToUnixTimeSeconds(), key.DeletedOn?.ToUnixTimeSeconds());
    }

    public DeletedKeyItem DeletedItem(Vault vault, KeyEntity key) =>
        new((ObjectId.Of(ObjectKind.Key, vault, key) with { Version = null }).Uri, Attributes(vault, key), Tags(key),
            ObjectId.Of(ObjectKind.Key, vault, key).RecoveryId, key.ScheduledPurge?.ToUnixTimeSeconds(), key.DeletedOn?.ToUnixTimeSeconds());

    public KeyItem Item(Vault vault, KeyEntity key) =>
        new((ObjectId.Of(ObjectKind.Key, vault, key) with { Version = null }).Uri, Attributes(vault, key), Tags(key));

    public KeyItem VersionItem(Vault vault, KeyEntity key) => new(KidOf(vault, key), Attributes(vault, key), Tags(key));

    public static ObjectAttributesWire Attributes(Vault vault, KeyEntity key) => ObjectAttributes.From(key, vault, exportable: false);

    public static IReadOnlyDictionary<string, string>? Tags(KeyEntity key) => ObjectAttributes.Tags(key);

    private JsonWebKey ReadPublicParts(KeyEntity key)
    {
        var id = new HsmKeyId(key.HsmKeyId);
        if (KeyTypes.FamilyOf(key.Kty) == KeyFamily.Oct) return new JsonWebKey(); // a symmetric key has no public part
        var hsm = tokens.For(key.PartitionKey);
        switch (KeyTypes.FamilyOf(key.Kty))
        {
            case KeyFamily.Rsa:
                var rsa = resilience.Hsm(hsm.TokenId, key.PartitionKey).Idempotent.Execute(() => hsm.GetRsaPublicKey(id));
                return new JsonWebKey { N = WireBytes.Encode(rsa.Modulus), E = WireBytes.Encode(rsa.Exponent) };
            case KeyFamily.Ec:
                var ec = resilience.Hsm(hsm.TokenId, key.PartitionKey).Idempotent.Execute(() => hsm.GetEcPublicKey(id));
                return new JsonWebKey { Crv = KeyTypes.NameOf(ec.Curve), X = WireBytes.Encode(ec.X), Y = WireBytes.Encode(ec.Y) };
            default:
                return new JsonWebKey(); // a symmetric key has no public part
        }
    }
}
