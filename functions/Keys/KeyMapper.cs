using System.Collections.Concurrent;
using System.Text.Json;
using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Vaults;

namespace HsmVault.Keys;

/// <summary>Maps stored key rows to Key Vault wire shapes; public parts come from the HSM's public objects.</summary>
public sealed class KeyMapper(IHsm hsm, ResiliencePipelines resilience)
{
    // Public halves never change for a CKA_ID, so they are cached for the process's life.
    private readonly ConcurrentDictionary<string, JsonWebKey> _publicParts = new();
    private const int MaxCachedPublicParts = 50_000;

    public static string KidOf(Vault vault, KeyEntity key) => $"{vault.BaseUri}keys/{key.Name}/{key.Version}";

    public KeyBundle Bundle(Vault vault, KeyEntity key)
    {
        if (_publicParts.Count >= MaxCachedPublicParts) _publicParts.Clear();
        var parts = _publicParts.GetOrAdd(key.HsmKeyId, _ => ReadPublicParts(key));
        var jwk = new JsonWebKey
        {
            Kid = KidOf(vault, key), Kty = key.Kty, KeyOps = [.. key.KeyOps.Split(',', StringSplitOptions.RemoveEmptyEntries)],
            N = parts.N, E = parts.E, Crv = parts.Crv, X = parts.X, Y = parts.Y,
        };
        return new KeyBundle(jwk, Attributes(key), Tags(key));
    }

    public KeyItem Item(Vault vault, KeyEntity key) => new($"{vault.BaseUri}keys/{key.Name}", Attributes(key), Tags(key));

    public KeyItem VersionItem(Vault vault, KeyEntity key) => new(KidOf(vault, key), Attributes(key), Tags(key));

    public static ObjectAttributesWire Attributes(KeyEntity key) => ObjectAttributes.From(key, exportable: false);

    public static IReadOnlyDictionary<string, string>? Tags(KeyEntity key) => ObjectAttributes.Tags(key);

    private JsonWebKey ReadPublicParts(KeyEntity key)
    {
        var id = new HsmKeyId(key.HsmKeyId);
        switch (KeyTypes.FamilyOf(key.Kty))
        {
            case KeyFamily.Rsa:
                var rsa = resilience.HsmIdempotent.Execute(() => hsm.GetRsaPublicKey(id));
                return new JsonWebKey { N = WireBytes.Encode(rsa.Modulus), E = WireBytes.Encode(rsa.Exponent) };
            case KeyFamily.Ec:
                var ec = resilience.HsmIdempotent.Execute(() => hsm.GetEcPublicKey(id));
                return new JsonWebKey { Crv = KeyTypes.NameOf(ec.Curve), X = WireBytes.Encode(ec.X), Y = WireBytes.Encode(ec.Y) };
            default:
                return new JsonWebKey(); // a symmetric key has no public part
        }
    }
}
