using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace HsmVault.Hsm;

/// <summary>
/// Asks the token once what it can do: C_GetMechanismList, plus small probes with session objects where a listed
/// mechanism may still reject parameters (SoftHSM 2.6.1 lists CKM_RSA_PKCS_OAEP but only does SHA-1).
/// </summary>
internal static class CapabilityProbe
{
    public static (HsmCapabilities Caps, bool AesKwViaEncrypt) Run(ISlot slot, SessionPool pool, Pkcs11InteropFactories f, KeyTemplates t)
    {
        var mechs = new HashSet<CKM>(slot.GetMechanismList());
        var session = pool.Rent();
        try
        {
            bool oaep256 = mechs.Contains(CKM.CKM_RSA_PKCS_OAEP) && Try(() => ProbeOaep(session, f, t, HsmHash.Sha256));
            bool oaep384 = mechs.Contains(CKM.CKM_RSA_PKCS_OAEP) && Try(() => ProbeOaep(session, f, t, HsmHash.Sha384));
            bool k256 = mechs.Contains(CKM.CKM_EC_KEY_PAIR_GEN) && Try(() => ProbeCurve(session, f, t, HsmCurve.Secp256k1));
            bool kwEncrypt = mechs.Contains(CKM.CKM_AES_KEY_WRAP) && Try(() => ProbeKwEncrypt(session, f, t));
            var caps = new HsmCapabilities(
                RsaOaepSha256Native: oaep256,
                RsaRaw: mechs.Contains(CKM.CKM_RSA_X_509),
                RsaPss: mechs.Contains(CKM.CKM_RSA_PKCS_PSS),
                Ecdsa: mechs.Contains(CKM.CKM_ECDSA),
                Secp256k1: k256,
                AesGcm: mechs.Contains(CKM.CKM_AES_GCM),
                AesCbcPad: mechs.Contains(CKM.CKM_AES_CBC_PAD),
                AesKeyWrap: mechs.Contains(CKM.CKM_AES_KEY_WRAP),
                RsaOaepSha384Native: oaep384,
                AesKeyWrapPad: mechs.Contains(CKM.CKM_AES_KEY_WRAP_PAD));
            return (caps, kwEncrypt);
        }
        finally
        {
            pool.Return(session);
        }
    }

    private static bool Try(Func<bool> probe)
    {
        try { return probe(); }
        catch (Pkcs11Exception) { return false; }
    }

    private static bool ProbeOaep(ISession s, Pkcs11InteropFactories f, KeyTemplates t, HsmHash hash)
    {
        using var rsa = RSA.Create(1024);
        var p = rsa.ExportParameters(false);
        var pub = s.CreateObject(t.ProbeRsaPublic(p.Modulus!, p.Exponent!));
        try
        {
            var (h, mgf) = HsmToken.HashMechanisms(hash);
            var prm = f.MechanismParamsFactory.CreateCkRsaPkcsOaepParams((ulong)h, (ulong)mgf, (ulong)CKZ.CKZ_DATA_SPECIFIED, null);
            using var mech = new MechanismScope(f.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, prm), prm);
            var ct = s.Encrypt(mech.Value, pub, [1, 2, 3]);
            // Only trust it if the result is real OAEP with that hash (tokens have been seen to ignore hashAlg).
            return ct.Length == 128 && TryDecryptOaep(rsa, ct, hash == HsmHash.Sha256 ? RSAEncryptionPadding.OaepSHA256 : RSAEncryptionPadding.OaepSHA384);
        }
        finally
        {
            s.DestroyObject(pub);
        }
    }

    private static bool TryDecryptOaep(RSA rsa, byte[] ct, RSAEncryptionPadding padding)
    {
        try { return rsa.Decrypt(ct, padding).AsSpan().SequenceEqual(new byte[] { 1, 2, 3 }); }
        catch (CryptographicException) { return false; }
    }

    private static bool ProbeCurve(ISession s, Pkcs11InteropFactories f, KeyTemplates t, HsmCurve curve)
    {
        using var mech = f.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
        var (pubT, privT) = t.ProbeEcPair(curve);
        s.GenerateKeyPair(mech, pubT, privT, out var pub, out var priv);
        s.DestroyObject(priv);
        s.DestroyObject(pub);
        return true;
    }

    private static bool ProbeKwEncrypt(ISession s, Pkcs11InteropFactories f, KeyTemplates t)
    {
        // RFC 3394 4.1: KEK 000102..0F, key data 00112233..FF.
        var kek = s.CreateObject(t.ProbeAes(Convert.FromHexString("000102030405060708090A0B0C0D0E0F")));
        try
        {
            using var mech = f.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP);
            var wrapped = s.Encrypt(mech, kek, Convert.FromHexString("00112233445566778899AABBCCDDEEFF"));
            return Convert.ToHexString(wrapped) == "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5";
        }
        finally
        {
            s.DestroyObject(kek);
        }
    }
}
