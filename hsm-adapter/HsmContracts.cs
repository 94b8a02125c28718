namespace HsmVault.Hsm;

/// <summary>Which token to use and how to log in. Bound from configuration by the caller.</summary>
public sealed class HsmOptions
{
    /// <summary>Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.</summary>
    public string LibraryPath { get; set; } = "";
    /// <summary>Token label (CKA_LABEL of the token). Either this or <see cref="TokenSerial"/>.</summary>
    public string? TokenLabel { get; set; }
    public string? TokenSerial { get; set; }
    /// <summary>User PIN. Never logged.</summary>
    public string UserPin { get; set; } = "";
    /// <summary>Upper bound of idle sessions kept for reuse.</summary>
    public int MaxIdleSessions { get; set; } = 16;
    /// <summary>
    /// A lock file that every process sharing a file-backed token (SoftHSM2's token directory) names alike: reads and
    /// writes of the token's object files then never overlap across processes (see TokenFileLock). Unset: a file next to
    /// SOFTHSM2_CONF when that is set; empty: none (a network HSM coordinates its clients itself).
    /// </summary>
    public string? TokenLockFile { get; set; }
}

/// <summary>The closed set of failures the adapter reports; the caller maps them to HTTP.</summary>
public enum HsmErrorKind { NotFound, InvalidInput, Unsupported, Transient, Unavailable }

public sealed class HsmException(HsmErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public HsmErrorKind Kind { get; } = kind;
}

[Flags]
public enum HsmKeyUsage { None = 0, Encrypt = 1, Decrypt = 2, Sign = 4, Verify = 8, Wrap = 16, Unwrap = 32 }

public enum HsmCurve { P256, P384, P521, Secp256k1 }
public enum HsmHash { Sha1, Sha256, Sha384, Sha512 }
public enum RsaPadding { Pkcs1, OaepSha1, OaepSha256 }

/// <summary>A key version's handle in the HSM: the hex of the random CKA_ID shared by its public and private objects.</summary>
public readonly record struct HsmKeyId(string Value)
{
    public override string ToString() => Value;
}

public sealed record RsaPublicKey(byte[] Modulus, byte[] Exponent);
public sealed record EcPublicKey(HsmCurve Curve, byte[] X, byte[] Y);
public sealed record RsaPrivateKeyMaterial(byte[] Modulus, byte[] Exponent, byte[] D, byte[] P, byte[] Q, byte[] DP, byte[] DQ, byte[] QI);
public sealed record EcPrivateKeyMaterial(HsmCurve Curve, byte[] D, byte[] X, byte[] Y);
public sealed record AesGcmCiphertext(byte[] Ciphertext, byte[] Tag);

/// <summary>Security-relevant attributes of a key's private/secret object, for checks and tests.</summary>
public sealed record HsmKeyAttributes(bool Token, bool Private, bool Sensitive, bool Extractable, bool AlwaysSensitive, bool NeverExtractable);

/// <summary>What the token can do, asked once from C_GetMechanismList.</summary>
public sealed record HsmCapabilities(
    bool RsaOaepSha256Native, bool RsaRaw, bool RsaPss, bool Ecdsa, bool Secp256k1,
    bool AesGcm, bool AesCbcPad, bool AesKeyWrap);

/// <summary>One logged-in PKCS#11 token. Thread-safe. All private/secret key operations happen inside the token.</summary>
public interface IHsm : IDisposable
{
    HsmCapabilities Capabilities { get; }

    HsmKeyId GenerateRsa(int bits, HsmKeyUsage usage, string label);
    HsmKeyId GenerateEc(HsmCurve curve, HsmKeyUsage usage, string label);
    HsmKeyId GenerateAes(int bits, HsmKeyUsage usage, string label);
    HsmKeyId ImportRsa(RsaPrivateKeyMaterial key, HsmKeyUsage usage, string label);
    HsmKeyId ImportEc(EcPrivateKeyMaterial key, HsmKeyUsage usage, string label);
    HsmKeyId ImportAes(byte[] key, HsmKeyUsage usage, string label);
    /// <summary>Destroys every object with this CKA_ID. Idempotent.</summary>
    void DestroyKey(HsmKeyId id);

    RsaPublicKey GetRsaPublicKey(HsmKeyId id);
    EcPublicKey GetEcPublicKey(HsmKeyId id);
    HsmKeyAttributes GetKeyAttributes(HsmKeyId id);

    /// <summary>RSASSA-PKCS1-v1_5 over a precomputed digest (DigestInfo is added here).</summary>
    byte[] SignRsaPkcs1(HsmKeyId id, HsmHash hash, byte[] digest);
    /// <summary>RSASSA-PSS over a precomputed digest, MGF1 with the same hash, salt length = digest length.</summary>
    byte[] SignRsaPss(HsmKeyId id, HsmHash hash, byte[] digest);
    /// <summary>ECDSA over a precomputed digest; returns r||s, each padded to the curve's size.</summary>
    byte[] SignEcdsa(HsmKeyId id, byte[] digest);
    bool VerifyRsaPkcs1(HsmKeyId id, HsmHash hash, byte[] digest, byte[] signature);
    bool VerifyRsaPss(HsmKeyId id, HsmHash hash, byte[] digest, byte[] signature);
    bool VerifyEcdsa(HsmKeyId id, byte[] digest, byte[] signature);

    byte[] EncryptRsa(HsmKeyId id, RsaPadding padding, byte[] plaintext);
    byte[] DecryptRsa(HsmKeyId id, RsaPadding padding, byte[] ciphertext);
    AesGcmCiphertext EncryptAesGcm(HsmKeyId id, byte[] iv, byte[] plaintext, byte[]? aad);
    byte[] DecryptAesGcm(HsmKeyId id, byte[] iv, byte[] ciphertext, byte[] tag, byte[]? aad);
    byte[] EncryptAesCbcPad(HsmKeyId id, byte[] iv, byte[] plaintext);
    byte[] DecryptAesCbcPad(HsmKeyId id, byte[] iv, byte[] ciphertext);
    /// <summary>RFC 3394 AES key wrap of caller-supplied key bytes.</summary>
    byte[] WrapAesKw(HsmKeyId id, byte[] keyBytes);
    byte[] UnwrapAesKw(HsmKeyId id, byte[] wrapped);

    byte[] GenerateRandom(int count);

    /// <summary>Every key object on the token (private, public, secret) with its CKA_ID and CKA_LABEL: for reconciliation.</summary>
    IReadOnlyList<HsmObjectInfo> ListKeyObjects();
}

public enum HsmObjectClass { Private, Public, Secret }

/// <summary>A key object on the token as reconciliation sees it.</summary>
public sealed record HsmObjectInfo(HsmKeyId Id, string Label, HsmObjectClass Class);
