using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

// Key Vault BYOK transfers (CKM_RSA_AES_KEY_WRAP, composed where the token lacks it): C_UnwrapKey with RSA-OAEP puts the
// ephemeral AES key into a session object, C_UnwrapKey with CKM_AES_KEY_WRAP_PAD puts the target key into token objects,
// and no key material is ever in the clear outside the token. The reverse (WrapForTransfer) runs on the customer's token.
public sealed partial class HsmToken
{
    public HsmImportedKey ImportTransfer(HsmTransferImport import)
    {
        ArgumentNullException.ThrowIfNull(import);
        if (!Capabilities.RsaOaep(import.OaepHash))
            throw new HsmException(HsmErrorKind.Unsupported,
                $"This HSM cannot do RSA-OAEP with {import.OaepHash} inside the token, and it is never done outside it");
        if (!Capabilities.AesKeyWrapPad)
            throw new HsmException(HsmErrorKind.Unsupported, "This HSM has no AES key wrap with padding (RFC 5649)");
        if (import.Target == HsmTransferTarget.Ec && import.Curve is null)
            throw new HsmException(HsmErrorKind.InvalidInput, "An EC transfer needs the curve");
        if (import.Curve == HsmCurve.Secp256k1 && !Capabilities.Secp256k1)
            throw new HsmException(HsmErrorKind.Unsupported, "This token does not support secp256k1");
        var ckaId = KeyTemplates.NewCkaId();
        var id = ToKeyId(ckaId);
        return WithTokenWrite("import transfer blob", s =>
        {
            var kek = Lookup(s, import.Kek, CKO.CKO_PRIVATE_KEY, (CacheId(import.Kek), CKO.CKO_PRIVATE_KEY));
            RequireType(kek, CKK.CKK_RSA);
            var ct = import.Ciphertext ?? [];
            int k = kek.ModulusBytes;
            if (ct.Length < k + 16 || (ct.Length - k) % 8 != 0)
                throw new HsmException(HsmErrorKind.InvalidInput,
                    $"The ciphertext is truncated: it must be the {k}-byte RSA-OAEP block followed by an AES key wrap of at least 16 bytes in 8-byte steps");
            var made = new List<IObjectHandle>();
            IObjectHandle? ephemeral = null;
            try
            {
                using (var oaep = OaepMechanism(import.OaepHash))
                    ephemeral = BadBlob(() => s.UnwrapKey(oaep.Value, kek.Handle, ct[..k], Templates.EphemeralAes(customerSide: false)),
                        "The ephemeral AES key could not be unwrapped with the KEK: the blob was made for another key, or its RSA-OAEP part was altered");
                using var kwp = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
                var target = BadBlob(() => s.UnwrapKey(kwp, ephemeral, ct[k..], TransferTemplate(import, ckaId)),
                    $"The target key could not be unwrapped: the AES key wrap integrity check failed (ciphertext truncated or altered), or the key is not {Expected(import)}");
                made.Add(target);
                var result = import.Target switch
                {
                    HsmTransferTarget.Rsa => FinishRsa(s, import, ckaId, target, made),
                    HsmTransferTarget.Ec => FinishEc(s, import, ckaId, target, made),
                    _ => FinishAes(s, import, target, ct.Length - k),
                };
                made.Clear();
                return result with { Id = id };
            }
            finally
            {
                if (ephemeral is not null) TryDestroy(s, ephemeral);
                foreach (var h in made) TryDestroy(s, h);
            }
        });
    }

    /// <summary>
    /// On the customer's token: wraps the key labelled <paramref name="keyLabel"/> for transfer to a vault whose KEK is
    /// <paramref name="kek"/>. The target must be CKA_EXTRACTABLE; the ephemeral AES key lives only as a session object.
    /// </summary>
    public (byte[] Ciphertext, HsmTransferTarget Target, HsmImportedKey Key) WrapForTransfer(RsaPublicKey kek, HsmHash oaepHash, string keyLabel)
    {
        ArgumentNullException.ThrowIfNull(kek);
        if (!Capabilities.RsaOaep(oaepHash))
            throw new HsmException(HsmErrorKind.Unsupported, $"This token cannot do RSA-OAEP with {oaepHash}");
        return WithSession("wrap key for transfer", s =>
        {
            var found = s.FindAllObjects(Templates.FindByLabel(keyLabel)).Where(h => ClassOf(s, h) is CKO.CKO_PRIVATE_KEY or CKO.CKO_SECRET_KEY).ToList();
            if (found.Count != 1)
                throw new HsmException(HsmErrorKind.NotFound, found.Count == 0
                    ? $"No private or secret key labelled '{keyLabel}' on this token"
                    : $"{found.Count} keys are labelled '{keyLabel}' on this token; labels must be unique");
            var target = found[0];
            var (kind, info) = Describe(s, target);
            var pub = s.CreateObject(Templates.SessionRsaWrapKey(kek.Modulus, kek.Exponent));
            IObjectHandle? ephemeral = null;
            try
            {
                using var gen = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
                ephemeral = s.GenerateKey(gen, Templates.EphemeralAes(customerSide: true));
                using var oaep = OaepMechanism(oaepHash);
                var wrappedAes = s.WrapKey(oaep.Value, pub, ephemeral);
                using var kwp = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
                var wrappedKey = s.WrapKey(kwp, ephemeral, target);
                return ((byte[])[.. wrappedAes, .. wrappedKey], kind, info);
            }
            finally
            {
                if (ephemeral is not null) TryDestroy(s, ephemeral);
                TryDestroy(s, pub);
            }
        });
    }

    private (HsmTransferTarget, HsmImportedKey) Describe(ISession s, IObjectHandle h)
    {
        var id = new HsmKeyId(Convert.ToHexStringLower(s.GetAttributeValue(h, [CKA.CKA_ID])[0].GetValueAsByteArray() ?? []));
        var type = (CKK)s.GetAttributeValue(h, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
        switch (type)
        {
            case CKK.CKK_RSA:
                return (HsmTransferTarget.Rsa, new HsmImportedKey(id, ModulusLength(s.GetAttributeValue(h, [CKA.CKA_MODULUS])[0].GetValueAsByteArray()) * 8, null));
            case CKK.CKK_EC:
                var curve = EcCurves.FromOidDer(s.GetAttributeValue(h, [CKA.CKA_EC_PARAMS])[0].GetValueAsByteArray() ?? [])
                    ?? throw new HsmException(HsmErrorKind.Unsupported, "The key is on a curve the vault does not support");
                return (HsmTransferTarget.Ec, new HsmImportedKey(id, EcCurves.FieldBytes(curve) * 8, curve));
            case CKK.CKK_AES:
                return (HsmTransferTarget.Aes, new HsmImportedKey(id, (int)s.GetAttributeValue(h, [CKA.CKA_VALUE_LEN])[0].GetValueAsUlong() * 8, null));
            default:
                throw new HsmException(HsmErrorKind.Unsupported, $"Key type {Name(type)} cannot be transferred; RSA, EC or AES required");
        }
    }

    private static CKO ClassOf(ISession s, IObjectHandle h) => (CKO)s.GetAttributeValue(h, [CKA.CKA_CLASS])[0].GetValueAsUlong();

    private List<IObjectAttribute> TransferTemplate(HsmTransferImport import, byte[] ckaId) => import.Target switch
    {
        // Signing is switched on for the in-token consistency check and set to the requested usage after it.
        HsmTransferTarget.Rsa => Templates.RsaPrivate(ckaId, import.Label, import.Usage | HsmKeyUsage.Sign),
        HsmTransferTarget.Ec => [.. Templates.EcPrivate(ckaId, import.Label, HsmKeyUsage.Sign, import.Curve!.Value), Templates.Derive(true)],
        _ => Templates.Aes(ckaId, import.Label, import.Usage | HsmKeyUsage.Encrypt),
    };

    private HsmImportedKey FinishRsa(ISession s, HsmTransferImport import, byte[] ckaId, IObjectHandle priv, List<IObjectHandle> made)
    {
        RequireUnwrapped(s, priv, CKK.CKK_RSA, import);
        var a = s.GetAttributeValue(priv, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
        var key = new RsaPublicKey(a[0].GetValueAsByteArray(), a[1].GetValueAsByteArray());
        var check = s.CreateObject(Templates.SessionVerifyKey(Templates.RsaPublic(ckaId, import.Label, HsmKeyUsage.Verify, key: key)));
        try
        {
            var digest = DigestInfo.Wrap(HsmHash.Sha256, RandomNumberGenerator.GetBytes(32));
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS);
            if (!SignVerifies(s, mech, priv, check, digest))
                throw new HsmException(HsmErrorKind.InvalidInput, "The unwrapped RSA key is inconsistent: its private part does not match its public part");
        }
        finally { TryDestroy(s, check); }
        made.Add(s.CreateObject(Templates.RsaPublic(ckaId, import.Label, import.Usage, key: key)));
        s.SetAttributeValue(priv, [Templates.Sign(import.Usage.HasFlag(HsmKeyUsage.Sign))]);
        return new HsmImportedKey(default, ModulusLength(key.Modulus) * 8, null);
    }

    private HsmImportedKey FinishEc(ISession s, HsmTransferImport import, byte[] ckaId, IObjectHandle priv, List<IObjectHandle> made)
    {
        RequireUnwrapped(s, priv, CKK.CKK_EC, import);
        var curve = EcCurves.FromOidDer(s.GetAttributeValue(priv, [CKA.CKA_EC_PARAMS])[0].GetValueAsByteArray() ?? []);
        if (curve != import.Curve)
            throw new HsmException(HsmErrorKind.InvalidInput,
                $"The unwrapped EC key is on {(curve is null ? "an unsupported curve" : curve.ToString())}, not {import.Curve}");
        // The private object has no public point: ECDH with the generator as peer gives the public x inside the token.
        byte[] x;
        var prm = Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)CKD.CKD_NULL, null, EcPoints.Generator(curve.Value));
        using (var ecdh = new MechanismScope(Factories.MechanismFactory.Create(CKM.CKM_ECDH1_DERIVE, prm), prm))
        {
            var derived = BadBlob(() => s.DeriveKey(ecdh.Value, priv, Templates.PublicValue(EcCurves.FieldBytes(curve.Value))),
                "The unwrapped EC key is inconsistent: its public point cannot be derived from it");
            try { x = s.GetAttributeValue(derived, [CKA.CKA_VALUE])[0].GetValueAsByteArray(); }
            finally { TryDestroy(s, derived); }
        }
        s.SetAttributeValue(priv, [Templates.Derive(false)]);
        byte[]? point = null;
        foreach (var y in EcPoints.YCandidates(curve.Value, x))
        {
            var candidate = EcCurves.EncodePoint(curve.Value, x, y);
            var check = s.CreateObject(Templates.SessionVerifyKey(Templates.EcPublic(ckaId, import.Label, HsmKeyUsage.Verify, curve.Value, candidate)));
            try
            {
                using var mech = Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
                if (SignVerifies(s, mech, priv, check, RandomNumberGenerator.GetBytes(EcCurves.DigestBytes(curve.Value)))) { point = candidate; break; }
            }
            finally { TryDestroy(s, check); }
        }
        if (point is null)
            throw new HsmException(HsmErrorKind.InvalidInput, "The unwrapped EC key is inconsistent: no public point matches its private part");
        made.Add(s.CreateObject(Templates.EcPublic(ckaId, import.Label, import.Usage, curve.Value, point)));
        s.SetAttributeValue(priv, [Templates.Sign(import.Usage.HasFlag(HsmKeyUsage.Sign))]);
        return new HsmImportedKey(default, EcCurves.FieldBytes(curve.Value) * 8, curve);
    }

    /// <summary>
    /// SoftHSM records no CKA_VALUE_LEN for an unwrapped key, and the value is sensitive. The wrapped length w leaves
    /// w-15..w-8 bytes, of which only w-8 can be an AES key size; one AES block encrypted in the token proves it is one.
    /// </summary>
    private HsmImportedKey FinishAes(ISession s, HsmTransferImport import, IObjectHandle key, int wrappedBytes)
    {
        int len = wrappedBytes - 8;
        bool usable = len is 16 or 24 or 32;
        if (usable)
        {
            try
            {
                using var ecb = Factories.MechanismFactory.Create(CKM.CKM_AES_ECB);
                usable = s.Encrypt(ecb, key, new byte[16]).Length == 16;
            }
            catch (Pkcs11Exception e) when (RvMapper.Kind(e.RV) != HsmErrorKind.Unavailable) { usable = false; }
        }
        if (!usable)
            throw new HsmException(HsmErrorKind.InvalidInput, "The unwrapped key is not an AES key of 16, 24 or 32 bytes");
        s.SetAttributeValue(key, [Templates.Encrypt(import.Usage.HasFlag(HsmKeyUsage.Encrypt))]);
        return new HsmImportedKey(default, len * 8, null);
    }

    private static void RequireUnwrapped(ISession s, IObjectHandle h, CKK type, HsmTransferImport import)
    {
        var actual = (CKK)s.GetAttributeValue(h, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
        if (actual != type)
            throw new HsmException(HsmErrorKind.InvalidInput, $"The unwrapped key is {Name(actual)}, not {Expected(import)}");
    }

    /// <summary>False when the key's parts do not belong together (the token may say so with a general error: the caller's key, not a fault).</summary>
    private static bool SignVerifies(ISession s, IMechanism mech, IObjectHandle priv, IObjectHandle pub, byte[] data)
    {
        try
        {
            var signature = s.Sign(mech, priv, data);
            s.Verify(mech, pub, data, signature, out bool valid);
            return valid;
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_SIGNATURE_INVALID or CKR.CKR_SIGNATURE_LEN_RANGE or CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED)
        {
            return false;
        }
    }

    private MechanismScope OaepMechanism(HsmHash hash)
    {
        var (h, mgf) = HashMechanisms(hash);
        var prm = Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams((ulong)h, (ulong)mgf, (ulong)CKZ.CKZ_DATA_SPECIFIED, null);
        return new MechanismScope(Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, prm), prm);
    }

    private static string Expected(HsmTransferImport import) => import.Target switch
    {
        HsmTransferTarget.Rsa => "an RSA key",
        HsmTransferTarget.Ec => $"an EC key on {import.Curve}",
        _ => "an AES key",
    };

    /// <summary>A failed unwrap of caller data is the caller's blob, not an HSM fault (SoftHSM says CKR_GENERAL_ERROR).</summary>
    private static T BadBlob<T>(Func<T> unwrap, string message)
    {
        try { return unwrap(); }
        catch (Pkcs11Exception e) when (RvMapper.Kind(e.RV) == HsmErrorKind.InvalidInput || e.RV is CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED)
        {
            throw new HsmException(HsmErrorKind.InvalidInput, message);
        }
    }

    private static void TryDestroy(ISession s, IObjectHandle h)
    {
        try { s.DestroyObject(h); }
        catch (Pkcs11Exception) { }
    }
}
