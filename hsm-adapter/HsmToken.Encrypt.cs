using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

// RSA and AES encryption. Decrypt failures of caller input are one generic InvalidInput (no padding oracle detail).
public sealed partial class HsmToken
{
    private const int GcmTagBytes = 16;

    public byte[] EncryptRsa(HsmKeyId id, RsaPadding padding, byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return WithKey(id, CKO.CKO_PUBLIC_KEY, "encrypt", (s, k) =>
        {
            RequireType(k, CKK.CKK_RSA);
            if (padding == RsaPadding.OaepSha256 && !Capabilities.RsaOaepSha256Native)
            {
                var em = OaepEncoding.Encode(plaintext, k.ModulusBytes);
                try
                {
                    using var raw = Factories.MechanismFactory.Create(CKM.CKM_RSA_X_509);
                    return s.Encrypt(raw, k.Handle, em);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(em);
                }
            }
            int max = padding switch
            {
                RsaPadding.Pkcs1 => k.ModulusBytes - 11,
                RsaPadding.OaepSha1 => k.ModulusBytes - 2 * 20 - 2,
                _ => OaepEncoding.MaxMessageLength(k.ModulusBytes),
            };
            if (plaintext.Length > max)
                throw new HsmException(HsmErrorKind.InvalidInput, $"Plaintext too long: at most {max} bytes for this key and padding");
            using var mech = RsaMechanism(padding);
            return s.Encrypt(mech.Value, k.Handle, plaintext);
        });
    }

    public byte[] DecryptRsa(HsmKeyId id, RsaPadding padding, byte[] ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        try
        {
            if (padding == RsaPadding.Pkcs1 && ImplicitRejection) EnsureRejectionSecret(id);
            return WithKey(id, CKO.CKO_PRIVATE_KEY, "decrypt", (s, k) =>
            {
                RequireType(k, CKK.CKK_RSA);
                if (ciphertext.Length != k.ModulusBytes)
                    throw new HsmException(HsmErrorKind.InvalidInput, "Ciphertext length must equal the modulus length");
                if (padding == RsaPadding.OaepSha256 && !Capabilities.RsaOaepSha256Native)
                {
                    using var raw = Factories.MechanismFactory.Create(CKM.CKM_RSA_X_509);
                    var em = s.Decrypt(raw, k.Handle, ciphertext);
                    try { return OaepEncoding.Decode(em, k.ModulusBytes); }
                    finally { CryptographicOperations.ZeroMemory(em); }
                }
                if (padding == RsaPadding.Pkcs1 && ImplicitRejection) return DecryptPkcs1ImplicitRejection(s, id, k, ciphertext);
                using var mech = RsaMechanism(padding);
                return s.Decrypt(mech.Value, k.Handle, ciphertext);
            }, decryptLike: true);
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.InvalidInput && e.InnerException is Pkcs11Exception)
        {
            throw new HsmException(HsmErrorKind.InvalidInput, "RSA decryption failed");
        }
    }

    private MechanismScope RsaMechanism(RsaPadding padding)
    {
        if (padding == RsaPadding.Pkcs1) return new MechanismScope(Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS), null);
        var (h, mgf) = HashMechanisms(padding == RsaPadding.OaepSha1 ? HsmHash.Sha1 : padding == RsaPadding.OaepSha256
            ? HsmHash.Sha256 : throw new HsmException(HsmErrorKind.InvalidInput, "Unknown RSA padding"));
        var prm = Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams((ulong)h, (ulong)mgf, (ulong)CKZ.CKZ_DATA_SPECIFIED, null);
        return new MechanismScope(Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, prm), prm);
    }

    public AesGcmCiphertext EncryptAesGcm(HsmKeyId id, byte[] iv, byte[] plaintext, byte[]? aad)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        CheckGcmIv(iv);
        var output = WithKey(id, CKO.CKO_SECRET_KEY, "encrypt", (s, k) =>
        {
            RequireType(k, CKK.CKK_AES);
            using var mech = GcmMechanism(iv, aad);
            return s.Encrypt(mech.Value, k.Handle, plaintext);
        });
        if (output.Length != plaintext.Length + GcmTagBytes)
            throw new HsmException(HsmErrorKind.Unavailable, "Token returned an unexpected AES-GCM output length");
        return new AesGcmCiphertext(output[..plaintext.Length], output[plaintext.Length..]);
    }

    public byte[] DecryptAesGcm(HsmKeyId id, byte[] iv, byte[] ciphertext, byte[] tag, byte[]? aad)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        CheckGcmIv(iv);
        if (tag is null || tag.Length != GcmTagBytes)
            throw new HsmException(HsmErrorKind.InvalidInput, "AES-GCM tag must be 16 bytes");
        var input = new byte[ciphertext.Length + GcmTagBytes];
        ciphertext.CopyTo(input, 0);
        tag.CopyTo(input, ciphertext.Length);
        return Generic("AES-GCM decryption failed", () => WithKey(id, CKO.CKO_SECRET_KEY, "decrypt", (s, k) =>
        {
            RequireType(k, CKK.CKK_AES);
            using var mech = GcmMechanism(iv, aad);
            return s.Decrypt(mech.Value, k.Handle, input);
        }, decryptLike: true));
    }

    public byte[] EncryptAesCbcPad(HsmKeyId id, byte[] iv, byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        CheckCbcIv(iv);
        return WithKey(id, CKO.CKO_SECRET_KEY, "encrypt", (s, k) =>
        {
            RequireType(k, CKK.CKK_AES);
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_AES_CBC_PAD, iv);
            return s.Encrypt(mech, k.Handle, plaintext);
        });
    }

    public byte[] DecryptAesCbcPad(HsmKeyId id, byte[] iv, byte[] ciphertext)
    {
        CheckCbcIv(iv);
        if (ciphertext is null || ciphertext.Length == 0 || ciphertext.Length % 16 != 0)
            throw new HsmException(HsmErrorKind.InvalidInput, "AES-CBC ciphertext must be a non-empty multiple of 16 bytes");
        return Generic("AES-CBC decryption failed", () => WithKey(id, CKO.CKO_SECRET_KEY, "decrypt", (s, k) =>
        {
            RequireType(k, CKK.CKK_AES);
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_AES_CBC_PAD, iv);
            return s.Decrypt(mech, k.Handle, ciphertext);
        }, decryptLike: true));
    }

    public byte[] WrapAesKw(HsmKeyId id, byte[] keyBytes)
    {
        if (keyBytes is null || keyBytes.Length < 16 || keyBytes.Length % 8 != 0)
            throw new HsmException(HsmErrorKind.InvalidInput, "AES key wrap input must be at least 16 bytes and a multiple of 8");
        return WithKey(id, CKO.CKO_SECRET_KEY, "wrap", (s, k) =>
        {
            RequireType(k, CKK.CKK_AES);
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP);
            if (AesKwViaEncrypt) return s.Encrypt(mech, k.Handle, keyBytes);
            // Two-step: carry the bytes in an extractable session object and let the token wrap it.
            var carrier = s.CreateObject(Templates.TransientSecret(keyBytes));
            try { return s.WrapKey(mech, k.Handle, carrier); }
            finally { s.DestroyObject(carrier); }
        });
    }

    public byte[] UnwrapAesKw(HsmKeyId id, byte[] wrapped)
    {
        if (wrapped is null || wrapped.Length < 24 || wrapped.Length % 8 != 0)
            throw new HsmException(HsmErrorKind.InvalidInput, "AES-wrapped data must be at least 24 bytes and a multiple of 8");
        return Generic("AES key unwrap failed", () => WithKey(id, CKO.CKO_SECRET_KEY, "unwrap", (s, k) =>
        {
            RequireType(k, CKK.CKK_AES);
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP);
            if (AesKwViaEncrypt) return s.Decrypt(mech, k.Handle, wrapped);
            var carrier = s.UnwrapKey(mech, k.Handle, wrapped, Templates.TransientUnwrapTarget());
            try { return s.GetAttributeValue(carrier, [CKA.CKA_VALUE])[0].GetValueAsByteArray(); }
            finally { s.DestroyObject(carrier); }
        }, decryptLike: true));
    }

    private MechanismScope GcmMechanism(byte[] iv, byte[]? aad)
    {
        var prm = Factories.MechanismParamsFactory.CreateCkGcmParams(iv, (ulong)iv.Length * 8,
            aad is { Length: > 0 } ? aad : null, GcmTagBytes * 8);
        return new MechanismScope(Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, prm), prm);
    }

    private static void CheckGcmIv(byte[]? iv)
    {
        if (iv is null || iv.Length is < 1 or > 128)
            throw new HsmException(HsmErrorKind.InvalidInput, "AES-GCM IV must be 1 to 128 bytes (12 recommended)");
    }

    private static void CheckCbcIv(byte[]? iv)
    {
        if (iv is null || iv.Length != 16)
            throw new HsmException(HsmErrorKind.InvalidInput, "AES-CBC IV must be 16 bytes");
    }

    /// <summary>Replaces the CKR detail of a failed decrypt of caller input with one generic message.</summary>
    private static T Generic<T>(string message, Func<T> op)
    {
        try { return op(); }
        catch (HsmException e) when (e.Kind == HsmErrorKind.InvalidInput && e.InnerException is Pkcs11Exception)
        {
            throw new HsmException(HsmErrorKind.InvalidInput, message);
        }
    }
}
