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
    /// <summary>Upper bound of sessions open at once; an operation that cannot get one within <see cref="SessionWait"/> is refused (Busy).</summary>
    public int MaxSessions { get; set; } = 64;
    public TimeSpan SessionWait { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// How long an HSM call may wait for its turn on the token (the token lock) and, in the vault's pipelines, how long a
    /// call may run before the token counts as hung: further calls are refused (Unavailable) instead of pinning threads.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = DefaultCallTimeout;
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(10);
    /// <summary>Key generations and imports waiting for the token's object store at most; more are refused at once (Busy).</summary>
    public int MaxQueuedObjectWrites { get; set; } = 8;
    /// <summary>
    /// Label of the deployment's backup wrapping key, which the token's security officer made and marked CKA_TRUSTED
    /// (<see cref="BackupKeyCeremony"/>); the backup sealing key is labelled with this plus <c>-seal</c>.
    /// </summary>
    public string BackupKeyLabel { get; set; } = "hsmvault-backup";
    /// <summary>
    /// A lock file that every process sharing a file-backed token (SoftHSM2's token directory) names alike: reads and
    /// writes of the token's object files then never overlap across processes (see TokenFileLock). Unset: a file next to
    /// SOFTHSM2_CONF when that is set; empty: none (a network HSM coordinates its clients itself).
    /// </summary>
    public string? TokenLockFile { get; set; }
}

/// <summary>
/// The closed set of failures the adapter reports; the caller maps them to HTTP. InvalidInput covers a failure caused by
/// the caller's input or key (the token stayed healthy); Busy is a refusal at a concurrency cap, not a fault.
/// </summary>
public enum HsmErrorKind { NotFound, InvalidInput, Unsupported, Transient, Unavailable, Busy }

/// <summary>
/// A failure of the adapter. <see cref="Exception.Message"/> is for operators and logs (it may name the PKCS#11 return
/// value, CKR_*); <see cref="ClientMessage"/> is what a caller may be told: it names the caller's mistake, never a CKR_* name.
/// </summary>
public sealed class HsmException(HsmErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public HsmErrorKind Kind { get; } = kind;

    /// <summary>The message a caller may see; the adapter's own checks write it for callers, so it defaults to the message.</summary>
    public string ClientMessage { get; init; } = message;
}

[Flags]
public enum HsmKeyUsage { None = 0, Encrypt = 1, Decrypt = 2, Sign = 4, Verify = 8, Wrap = 16, Unwrap = 32 }

public enum HsmCurve { P256, P384, P521, Secp256k1 }

public static class HsmCurveFacts
{
    /// <summary>Bytes of one coordinate (and of the private scalar) on this curve.</summary>
    public static int FieldBytes(this HsmCurve curve) => EcCurves.FieldBytes(curve);
}
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
public sealed record HsmKeyAttributes(bool Token, bool Private, bool Sensitive, bool Extractable, bool AlwaysSensitive, bool NeverExtractable,
    bool WrapWithTrusted = false);

/// <summary>
/// The deployment's backup keys on this token: <see cref="WrapKey"/> (AES, CKA_TRUSTED, made by the security officer)
/// is the only key that may wrap vault keys; <see cref="SealKey"/> (AES, private, the user's) seals backup blobs with
/// AES-GCM so that only a logged-in user of this token can open them.
/// </summary>
public sealed record HsmBackupKeys(HsmKeyId WrapKey, HsmKeyId SealKey);

/// <summary>What the token can do, asked once from C_GetMechanismList.</summary>
public sealed record HsmCapabilities(
    bool RsaOaepSha256Native, bool RsaRaw, bool RsaPss, bool Ecdsa, bool Secp256k1,
    bool AesGcm, bool AesCbcPad, bool AesKeyWrap, bool RsaOaepSha384Native = false, bool AesKeyWrapPad = false)
{
    /// <summary>Whether the token itself does RSA-OAEP with this hash (and MGF1 with the same hash).</summary>
    public bool RsaOaep(HsmHash hash) => hash switch
    {
        HsmHash.Sha1 => true,
        HsmHash.Sha256 => RsaOaepSha256Native,
        HsmHash.Sha384 => RsaOaepSha384Native,
        _ => false,
    };
}

/// <summary>What a Key Vault BYOK transfer blob's target key is.</summary>
public enum HsmTransferTarget { Rsa, Ec, Aes }

/// <summary>
/// A BYOK transfer ciphertext to unwrap inside the token: RSA-OAEP(KEK, ephemeral AES key) followed by
/// AES key wrap with padding (RFC 5649) of the target key (PKCS#8 for RSA and EC, raw bytes for AES).
/// </summary>
public sealed record HsmTransferImport(
    HsmKeyId Kek, HsmHash OaepHash, byte[] Ciphertext, HsmTransferTarget Target, HsmCurve? Curve, HsmKeyUsage Usage, string Label);

/// <summary>A key made by an import: its id, size in bits (RSA modulus, AES key, EC field) and curve.</summary>
public sealed record HsmImportedKey(HsmKeyId Id, int Bits, HsmCurve? Curve);

/// <summary>One logged-in PKCS#11 token. Thread-safe. All private/secret key operations happen inside the token.</summary>
public interface IHsm : IDisposable
{
    HsmCapabilities Capabilities { get; }
    /// <summary>A stable id of the token (module and label), for per-token breakers and caps.</summary>
    string TokenId => "default";
    /// <summary>Operation sessions rented right now (the token's long-lived login session not counted).</summary>
    int SessionsInUse => 0;
    /// <summary>Whether the token can be used now: false while a <see cref="GuardedToken"/> is cut off (every call then fails Unavailable).</summary>
    bool Available => true;

    HsmKeyId GenerateRsa(int bits, HsmKeyUsage usage, string label);
    HsmKeyId GenerateEc(HsmCurve curve, HsmKeyUsage usage, string label);
    HsmKeyId GenerateAes(int bits, HsmKeyUsage usage, string label);
    HsmKeyId ImportRsa(RsaPrivateKeyMaterial key, HsmKeyUsage usage, string label);
    HsmKeyId ImportEc(EcPrivateKeyMaterial key, HsmKeyUsage usage, string label);
    HsmKeyId ImportAes(byte[] key, HsmKeyUsage usage, string label);
    /// <summary>
    /// Unwraps a BYOK transfer ciphertext inside the token: the ephemeral AES key into a session object, the target
    /// into token objects with the key template, the public part checked against the private part; nothing is left
    /// behind when any step fails.
    /// </summary>
    HsmImportedKey ImportTransfer(HsmTransferImport import);
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

    /// <summary>The token's backup keys, or null when the backup key ceremony has not been done on it.</summary>
    HsmBackupKeys? BackupKeys { get; }
    /// <summary>The private (or secret) object of a key, wrapped (AES key wrap with padding) under the trusted backup key.</summary>
    byte[] WrapForBackup(HsmKeyId id);
    /// <summary>Recreates a key pair from <see cref="WrapForBackup"/>'s output as new token objects (new CKA_ID).</summary>
    HsmKeyId UnwrapRsaFromBackup(byte[] wrapped, RsaPublicKey publicKey, HsmKeyUsage usage, string label);
    HsmKeyId UnwrapEcFromBackup(byte[] wrapped, EcPublicKey publicKey, HsmKeyUsage usage, string label);
    HsmKeyId UnwrapAesFromBackup(byte[] wrapped, HsmKeyUsage usage, string label);
    /// <summary>Every key object on the token (private, public, secret) with its CKA_ID and CKA_LABEL: for reconciliation.</summary>
    IReadOnlyList<HsmObjectInfo> ListKeyObjects();
}

public enum HsmObjectClass { Private, Public, Secret }

/// <summary>A key object on the token as reconciliation sees it.</summary>
public sealed record HsmObjectInfo(HsmKeyId Id, string Label, HsmObjectClass Class);
