using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

// Key lifecycle: generate, import, destroy, read public parts and protection attributes.
public sealed partial class HsmToken
{
    public HsmKeyId GenerateRsa(int bits, HsmKeyUsage usage, string label)
    {
        if (bits < 2048 || bits > 16384 || bits % 8 != 0)
            throw new HsmException(HsmErrorKind.InvalidInput, "RSA key size must be a multiple of 8 between 2048 and 16384 bits");
        var ckaId = KeyTemplates.NewCkaId();
        var id = ToKeyId(ckaId);
        return WithTokenWrite("generate RSA key", s =>
        {
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
            s.GenerateKeyPair(mech, Templates.RsaPublic(ckaId, label, usage, bits), Templates.RsaPrivate(ckaId, label, usage),
                out var pub, out var priv);
            Remember(id, CKO.CKO_PUBLIC_KEY, new KeyObject(pub, CKK.CKK_RSA, bits / 8, null));
            Remember(id, CKO.CKO_PRIVATE_KEY, new KeyObject(priv, CKK.CKK_RSA, bits / 8, null));
            return id;
        });
    }

    public HsmKeyId GenerateEc(HsmCurve curve, HsmKeyUsage usage, string label)
    {
        EcCurves.OidDer(curve);
        if (curve == HsmCurve.Secp256k1 && !Capabilities.Secp256k1)
            throw new HsmException(HsmErrorKind.Unsupported, "This token does not support secp256k1");
        var ckaId = KeyTemplates.NewCkaId();
        var id = ToKeyId(ckaId);
        return WithTokenWrite("generate EC key", s =>
        {
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
            s.GenerateKeyPair(mech, Templates.EcPublic(ckaId, label, usage, curve), Templates.EcPrivate(ckaId, label, usage, curve),
                out var pub, out var priv);
            Remember(id, CKO.CKO_PUBLIC_KEY, new KeyObject(pub, CKK.CKK_EC, 0, curve));
            Remember(id, CKO.CKO_PRIVATE_KEY, new KeyObject(priv, CKK.CKK_EC, 0, curve));
            return id;
        });
    }

    public HsmKeyId GenerateAes(int bits, HsmKeyUsage usage, string label)
    {
        if (bits is not (128 or 192 or 256))
            throw new HsmException(HsmErrorKind.InvalidInput, "AES key size must be 128, 192 or 256 bits");
        var ckaId = KeyTemplates.NewCkaId();
        var id = ToKeyId(ckaId);
        return WithTokenWrite("generate AES key", s =>
        {
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
            var h = s.GenerateKey(mech, Templates.Aes(ckaId, label, usage, bits: bits));
            Remember(id, CKO.CKO_SECRET_KEY, new KeyObject(h, CKK.CKK_AES, 0, null));
            return id;
        });
    }

    public HsmKeyId ImportRsa(RsaPrivateKeyMaterial key, HsmKeyUsage usage, string label)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Modulus is null || key.Modulus.Length < 256 || key.Exponent is null || key.D is null || key.P is null
            || key.Q is null || key.DP is null || key.DQ is null || key.QI is null)
            throw new HsmException(HsmErrorKind.InvalidInput, "RSA import needs n, e, d, p, q, dp, dq, qi and at least 2048 bits");
        RsaKeyCheck.Validate(key);
        var ckaId = KeyTemplates.NewCkaId();
        var id = ToKeyId(ckaId);
        return CreatePair(id, "import RSA key",
            Templates.RsaPrivate(ckaId, label, usage, key),
            Templates.RsaPublic(ckaId, label, usage, key: new RsaPublicKey(key.Modulus, key.Exponent)));
    }

    public HsmKeyId ImportEc(EcPrivateKeyMaterial key, HsmKeyUsage usage, string label)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.D is null || key.X is null || key.Y is null)
            throw new HsmException(HsmErrorKind.InvalidInput, "EC import needs d, x and y");
        if (key.Curve == HsmCurve.Secp256k1 && !Capabilities.Secp256k1)
            throw new HsmException(HsmErrorKind.Unsupported, "This token does not support secp256k1");
        var d = new byte[EcCurves.FieldBytes(key.Curve)];
        EcCurves.PadInto(key.D, d);
        EcCurves.Validate(key.Curve, d, key.X, key.Y);
        var ckaId = KeyTemplates.NewCkaId();
        var id = ToKeyId(ckaId);
        try
        {
            return CreatePair(id, "import EC key",
                Templates.EcPrivate(ckaId, label, usage, key.Curve, d),
                Templates.EcPublic(ckaId, label, usage, key.Curve, EcCurves.EncodePoint(key.Curve, key.X, key.Y)));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(d);
        }
    }

    public HsmKeyId ImportAes(byte[] key, HsmKeyUsage usage, string label)
    {
        if (key is null || key.Length is not (16 or 24 or 32))
            throw new HsmException(HsmErrorKind.InvalidInput, "AES key must be 16, 24 or 32 bytes");
        var ckaId = KeyTemplates.NewCkaId();
        var id = ToKeyId(ckaId);
        return WithTokenWrite("import AES key", s =>
        {
            var h = s.CreateObject(Templates.Aes(ckaId, label, usage, value: key));
            Remember(id, CKO.CKO_SECRET_KEY, new KeyObject(h, CKK.CKK_AES, 0, null));
            return id;
        });
    }

    private HsmKeyId CreatePair(HsmKeyId id, string op, List<IObjectAttribute> privateT, List<IObjectAttribute> publicT) =>
        WithTokenWrite(op, s =>
        {
            var priv = s.CreateObject(privateT);
            try
            {
                s.CreateObject(publicT);
            }
            catch
            {
                // Never leave half a key behind.
                try { s.DestroyObject(priv); } catch (Pkcs11Exception) { }
                throw;
            }
            return id;
        });

    public void DestroyKey(HsmKeyId id)
    {
        var ckaId = IdBytes(id);
        Forget(id);
        WithTokenWrite("destroy key", s =>
        {
            foreach (var h in s.FindAllObjects(Templates.FindAll(ckaId)))
            {
                try { s.DestroyObject(h); }
                catch (Pkcs11Exception e) when (e.RV == CKR.CKR_OBJECT_HANDLE_INVALID) { }
            }
            return 0;
        });
        Forget(id);
    }

    public RsaPublicKey GetRsaPublicKey(HsmKeyId id) =>
        WithKey(id, CKO.CKO_PUBLIC_KEY, "read RSA public key", (s, k) =>
        {
            RequireType(k, CKK.CKK_RSA);
            var a = s.GetAttributeValue(k.Handle, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            return new RsaPublicKey(a[0].GetValueAsByteArray(), a[1].GetValueAsByteArray());
        });

    public EcPublicKey GetEcPublicKey(HsmKeyId id) =>
        WithKey(id, CKO.CKO_PUBLIC_KEY, "read EC public key", (s, k) =>
        {
            var curve = RequireCurve(k);
            var point = s.GetAttributeValue(k.Handle, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray();
            var (x, y) = EcCurves.DecodePoint(curve, point);
            return new EcPublicKey(curve, x, y);
        });

    public HsmKeyAttributes GetKeyAttributes(HsmKeyId id)
    {
        HsmKeyAttributes Read(ISession s, KeyObject k)
        {
            var a = s.GetAttributeValue(k.Handle, [CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE,
                CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_WRAP_WITH_TRUSTED]);
            bool B(int i) => !a[i].CannotBeRead && a[i].GetValueAsBool();
            return new HsmKeyAttributes(B(0), B(1), B(2), B(3), B(4), B(5), B(6));
        }
        try
        {
            return WithKey(id, CKO.CKO_PRIVATE_KEY, "read key attributes", Read);
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.NotFound)
        {
            return WithKey(id, CKO.CKO_SECRET_KEY, "read key attributes", Read);
        }
    }

    public byte[] GenerateRandom(int count)
    {
        if (count < 0 || count > 1 << 20)
            throw new HsmException(HsmErrorKind.InvalidInput, "Random byte count must be between 0 and 1 MiB");
        if (count == 0) return [];
        return WithSession("generate random", s => s.GenerateRandom(count));
    }

    public IReadOnlyList<HsmObjectInfo> ListKeyObjects() => WithSession("list key objects", s =>
    {
        var found = new List<HsmObjectInfo>();
        foreach (var (cls, kind) in new[] { (CKO.CKO_PRIVATE_KEY, HsmObjectClass.Private), (CKO.CKO_PUBLIC_KEY, HsmObjectClass.Public), (CKO.CKO_SECRET_KEY, HsmObjectClass.Secret) })
        {
            var template = new List<IObjectAttribute> { Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, cls), Factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true) };
            foreach (var h in s.FindAllObjects(template))
            {
                var a = s.GetAttributeValue(h, [CKA.CKA_ID, CKA.CKA_LABEL]);
                var id = a[0].CannotBeRead ? null : a[0].GetValueAsByteArray();
                if (id is null || id.Length == 0) continue;
                found.Add(new HsmObjectInfo(ToKeyId(id), a[1].CannotBeRead ? "" : a[1].GetValueAsString() ?? "", kind));
            }
        }
        return found;
    });

    private static HsmKeyId ToKeyId(byte[] ckaId) => new(Convert.ToHexStringLower(ckaId));

    private static void RequireType(KeyObject k, CKK type)
    {
        if (k.Type != type)
            throw new HsmException(HsmErrorKind.InvalidInput, $"Key type {Name(k.Type)} cannot be used here; {Name(type)} required");
    }

    private static HsmCurve RequireCurve(KeyObject k)
    {
        RequireType(k, CKK.CKK_EC);
        return k.Curve ?? throw new HsmException(HsmErrorKind.Unsupported, "Key is on an unsupported curve");
    }

    private static string Name(CKK t) => t switch { CKK.CKK_RSA => "RSA", CKK.CKK_EC => "EC", CKK.CKK_AES => "AES", _ => t.ToString() };
}
