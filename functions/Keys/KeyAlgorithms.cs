using HsmVault.Hsm;
using HsmVault.Objects;

namespace HsmVault.Keys;

/// <summary>A JWS signature algorithm: which key family and curve it needs, and its hash.</summary>
public sealed record SignatureAlgorithm(string Name, KeyFamily Family, HsmHash Hash, bool Pss = false, HsmCurve? Curve = null)
{
    public int DigestLength => Hash switch { HsmHash.Sha1 => 20, HsmHash.Sha256 => 32, HsmHash.Sha384 => 48, _ => 64 };
}

/// <summary>A JWE encryption or key-wrap algorithm; for AES, the key size it demands.</summary>
public sealed record CipherAlgorithm(string Name, KeyFamily Family, CipherMode Mode, RsaPadding Padding = RsaPadding.Pkcs1, int AesBits = 0);

public enum CipherMode { Rsa, AesGcm, AesCbcPad, AesKeyWrap }

public static class KeyAlgorithms
{
    private static readonly Dictionary<string, SignatureAlgorithm> Signatures = new SignatureAlgorithm[]
    {
        new("RS256", KeyFamily.Rsa, HsmHash.Sha256), new("RS384", KeyFamily.Rsa, HsmHash.Sha384), new("RS512", KeyFamily.Rsa, HsmHash.Sha512),
        new("PS256", KeyFamily.Rsa, HsmHash.Sha256, Pss: true), new("PS384", KeyFamily.Rsa, HsmHash.Sha384, Pss: true),
        new("PS512", KeyFamily.Rsa, HsmHash.Sha512, Pss: true),
        new("ES256", KeyFamily.Ec, HsmHash.Sha256, Curve: HsmCurve.P256), new("ES384", KeyFamily.Ec, HsmHash.Sha384, Curve: HsmCurve.P384),
        new("ES512", KeyFamily.Ec, HsmHash.Sha512, Curve: HsmCurve.P521), new("ES256K", KeyFamily.Ec, HsmHash.Sha256, Curve: HsmCurve.Secp256k1),
    }.ToDictionary(a => a.Name);

    private static readonly Dictionary<string, CipherAlgorithm> Ciphers = new CipherAlgorithm[]
    {
        new("RSA1_5", KeyFamily.Rsa, CipherMode.Rsa, RsaPadding.Pkcs1),
        new("RSA-OAEP", KeyFamily.Rsa, CipherMode.Rsa, RsaPadding.OaepSha1),
        new("RSA-OAEP-256", KeyFamily.Rsa, CipherMode.Rsa, RsaPadding.OaepSha256),
        new("A128GCM", KeyFamily.Oct, CipherMode.AesGcm, AesBits: 128), new("A192GCM", KeyFamily.Oct, CipherMode.AesGcm, AesBits: 192),
        new("A256GCM", KeyFamily.Oct, CipherMode.AesGcm, AesBits: 256),
        new("A128CBCPAD", KeyFamily.Oct, CipherMode.AesCbcPad, AesBits: 128), new("A192CBCPAD", KeyFamily.Oct, CipherMode.AesCbcPad, AesBits: 192),
        new("A256CBCPAD", KeyFamily.Oct, CipherMode.AesCbcPad, AesBits: 256),
        new("A128KW", KeyFamily.Oct, CipherMode.AesKeyWrap, AesBits: 128), new("A192KW", KeyFamily.Oct, CipherMode.AesKeyWrap, AesBits: 192),
        new("A256KW", KeyFamily.Oct, CipherMode.AesKeyWrap, AesBits: 256),
    }.ToDictionary(a => a.Name);

    public static SignatureAlgorithm Signature(string? alg, KeyEntity key)
    {
        if (alg is null) throw VaultException.BadParameter("Property 'alg' is required.");
        if (!Signatures.TryGetValue(alg, out var a))
            throw VaultException.BadParameter($"Algorithm '{ObjectNames.Short(alg)}' is not a supported signature algorithm.");
        if (a.Family != KeyTypes.FamilyOf(key.Kty) || (a.Curve is { } c && KeyTypes.NameOf(c) != key.Curve))
            throw VaultException.BadParameter($"Algorithm '{a.Name}' does not match the key ({key.Kty}{(key.Curve is null ? "" : " " + key.Curve)}).");
        return a;
    }

    /// <summary>An encryption (wrap: false) or key-wrap (wrap: true) algorithm valid for this key.</summary>
    public static CipherAlgorithm Cipher(string? alg, KeyEntity key, bool wrap)
    {
        if (alg is null) throw VaultException.BadParameter("Property 'alg' is required.");
        if (!Ciphers.TryGetValue(alg, out var a) || (wrap ? a.Mode is CipherMode.AesGcm or CipherMode.AesCbcPad : a.Mode == CipherMode.AesKeyWrap))
            throw VaultException.BadParameter($"Algorithm '{ObjectNames.Short(alg)}' is not supported for {(wrap ? "wrapKey/unwrapKey" : "encrypt/decrypt")}.");
        if (a.Family != KeyTypes.FamilyOf(key.Kty) || (a.AesBits != 0 && a.AesBits != key.KeySize))
            throw VaultException.BadParameter($"Algorithm '{a.Name}' does not match the key ({key.Kty} {key.KeySize} bits).");
        return a;
    }
}
