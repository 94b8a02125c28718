using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

// Signing and verification over precomputed digests. Private halves sign, public halves verify, all in the token.
public sealed partial class HsmToken
{
    public byte[] SignRsaPkcs1(HsmKeyId id, HsmHash hash, byte[] digest)
    {
        var data = DigestInfo.Wrap(hash, digest);
        return WithKey(id, CKO.CKO_PRIVATE_KEY, "sign", (s, k) =>
        {
            RequireType(k, CKK.CKK_RSA);
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS);
            return s.Sign(mech, k.Handle, data);
        });
    }

    public byte[] SignRsaPss(HsmKeyId id, HsmHash hash, byte[] digest)
    {
        DigestInfo.CheckDigest(hash, digest);
        return WithKey(id, CKO.CKO_PRIVATE_KEY, "sign", (s, k) =>
        {
            RequireType(k, CKK.CKK_RSA);
            using var mech = PssMechanism(hash);
            return s.Sign(mech.Value, k.Handle, digest);
        });
    }

    public byte[] SignEcdsa(HsmKeyId id, byte[] digest) =>
        WithKey(id, CKO.CKO_PRIVATE_KEY, "sign", (s, k) =>
        {
            CheckEcDigest(RequireCurve(k), digest);
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
            return s.Sign(mech, k.Handle, digest);
        });

    public bool VerifyRsaPkcs1(HsmKeyId id, HsmHash hash, byte[] digest, byte[] signature)
    {
        var data = DigestInfo.Wrap(hash, digest);
        return WithKey(id, CKO.CKO_PUBLIC_KEY, "verify", (s, k) =>
        {
            RequireType(k, CKK.CKK_RSA);
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS);
            return Verify(s, mech, k, data, signature);
        });
    }

    public bool VerifyRsaPss(HsmKeyId id, HsmHash hash, byte[] digest, byte[] signature)
    {
        DigestInfo.CheckDigest(hash, digest);
        return WithKey(id, CKO.CKO_PUBLIC_KEY, "verify", (s, k) =>
        {
            RequireType(k, CKK.CKK_RSA);
            using var mech = PssMechanism(hash);
            return Verify(s, mech.Value, k, digest, signature);
        });
    }

    public bool VerifyEcdsa(HsmKeyId id, byte[] digest, byte[] signature) =>
        WithKey(id, CKO.CKO_PUBLIC_KEY, "verify", (s, k) =>
        {
            var curve = RequireCurve(k);
            CheckEcDigest(curve, digest);
            if (signature is null || signature.Length != 2 * EcCurves.FieldBytes(curve)) return false;
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
            return Verify(s, mech, k, digest, signature);
        });

    private static bool Verify(ISession s, IMechanism mech, KeyObject k, byte[] data, byte[]? signature)
    {
        if (signature is null || signature.Length == 0) return false;
        if (k.ModulusBytes > 0 && signature.Length != k.ModulusBytes) return false;
        try
        {
            s.Verify(mech, k.Handle, data, signature, out bool valid);
            return valid;
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_SIGNATURE_INVALID or CKR.CKR_SIGNATURE_LEN_RANGE)
        {
            return false;
        }
    }

    private MechanismScope PssMechanism(HsmHash hash)
    {
        var (h, mgf) = HashMechanisms(hash);
        var prm = Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams((ulong)h, (ulong)mgf, (ulong)DigestInfo.Length(hash));
        return new MechanismScope(Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_PSS, prm), prm);
    }

    internal static (CKM Hash, CKG Mgf) HashMechanisms(HsmHash hash) => hash switch
    {
        HsmHash.Sha1 => (CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1),
        HsmHash.Sha256 => (CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256),
        HsmHash.Sha384 => (CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384),
        HsmHash.Sha512 => (CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512),
        _ => throw new HsmException(HsmErrorKind.InvalidInput, "Unknown hash algorithm"),
    };

    private static void CheckEcDigest(HsmCurve curve, byte[]? digest)
    {
        int n = EcCurves.DigestBytes(curve);
        if (digest is null || digest.Length != n)
            throw new HsmException(HsmErrorKind.InvalidInput, $"Digest length must be {n} bytes for {curve}");
    }
}
