using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace HsmVault.Hsm;

/// <summary>
/// The one place that decides key object attributes, so nothing else builds key templates. Private and secret key
/// objects are sensitive (CKA_VALUE and private parts never readable) and extractable only under a trusted key
/// (CKA_WRAP_WITH_TRUSTED): the backup key is the one key that can wrap them.
/// </summary>
internal sealed class KeyTemplates(IObjectAttributeFactory f)
{
    public static byte[] NewCkaId() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);

    public List<IObjectAttribute> RsaPublic(byte[] ckaId, string label, HsmKeyUsage usage, int? bits = null, RsaPublicKey? key = null)
    {
        var t = Common(CKO.CKO_PUBLIC_KEY, CKK.CKK_RSA, ckaId, label);
        AddPublicUsage(t, usage);
        if (bits is int b) t.Add(f.Create(CKA.CKA_MODULUS_BITS, (ulong)b));
        if (key is null) t.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 1, 0, 1 }));
        else
        {
            t.Add(f.Create(CKA.CKA_MODULUS, key.Modulus));
            t.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, key.Exponent));
        }
        return t;
    }

    public List<IObjectAttribute> RsaPrivate(byte[] ckaId, string label, HsmKeyUsage usage, RsaPrivateKeyMaterial? key = null)
    {
        var t = Common(CKO.CKO_PRIVATE_KEY, CKK.CKK_RSA, ckaId, label);
        AddProtection(t);
        AddPrivateUsage(t, usage);
        if (key is not null)
        {
            t.Add(f.Create(CKA.CKA_MODULUS, key.Modulus));
            t.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, key.Exponent));
            t.Add(f.Create(CKA.CKA_PRIVATE_EXPONENT, key.D));
            t.Add(f.Create(CKA.CKA_PRIME_1, key.P));
            t.Add(f.Create(CKA.CKA_PRIME_2, key.Q));
            t.Add(f.Create(CKA.CKA_EXPONENT_1, key.DP));
            t.Add(f.Create(CKA.CKA_EXPONENT_2, key.DQ));
            t.Add(f.Create(CKA.CKA_COEFFICIENT, key.QI));
        }
        return t;
    }

    public List<IObjectAttribute> EcPublic(byte[] ckaId, string label, HsmKeyUsage usage, HsmCurve curve, byte[]? ecPointDer = null)
    {
        var t = Common(CKO.CKO_PUBLIC_KEY, CKK.CKK_EC, ckaId, label);
        AddPublicUsage(t, usage & HsmKeyUsage.Verify);
        t.Add(f.Create(CKA.CKA_EC_PARAMS, EcCurves.OidDer(curve)));
        if (ecPointDer is not null) t.Add(f.Create(CKA.CKA_EC_POINT, ecPointDer));
        return t;
    }

    public List<IObjectAttribute> EcPrivate(byte[] ckaId, string label, HsmKeyUsage usage, HsmCurve curve, byte[]? d = null)
    {
        var t = Common(CKO.CKO_PRIVATE_KEY, CKK.CKK_EC, ckaId, label);
        AddProtection(t);
        AddPrivateUsage(t, usage & HsmKeyUsage.Sign);
        if (d is not null)
        {
            t.Add(f.Create(CKA.CKA_EC_PARAMS, EcCurves.OidDer(curve)));
            t.Add(f.Create(CKA.CKA_VALUE, d));
        }
        return t;
    }

    public List<IObjectAttribute> Aes(byte[] ckaId, string label, HsmKeyUsage usage, int? bits = null, byte[]? value = null)
    {
        var t = Common(CKO.CKO_SECRET_KEY, CKK.CKK_AES, ckaId, label);
        AddProtection(t);
        AddPublicUsage(t, usage);
        AddPrivateUsage(t, usage);
        if (bits is int b) t.Add(f.Create(CKA.CKA_VALUE_LEN, (ulong)(b / 8)));
        if (value is not null) t.Add(f.Create(CKA.CKA_VALUE, value));
        return t;
    }

    /// <summary>Session-only carrier for caller bytes that are wrapped with CKM_AES_KEY_WRAP, then destroyed.</summary>
    public List<IObjectAttribute> TransientSecret(byte[] value) => [.. TransientUnwrapTarget(), f.Create(CKA.CKA_VALUE, value)];

    /// <summary>Target of C_UnwrapKey: a session object whose CKA_VALUE is read back and then destroyed.</summary>
    public List<IObjectAttribute> TransientUnwrapTarget() =>
    [
        f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
        f.Create(CKA.CKA_TOKEN, false),
        f.Create(CKA.CKA_PRIVATE, true),
        f.Create(CKA.CKA_SENSITIVE, false),
        f.Create(CKA.CKA_EXTRACTABLE, true),
    ];

    /// <summary>
    /// BYOK's ephemeral AES key, session-only and sensitive. In the vault it is unwrapped with the KEK and can only unwrap;
    /// on the customer's token it is generated (256 bits) to wrap the target, extractable only so the KEK can wrap it.
    /// </summary>
    public List<IObjectAttribute> EphemeralAes(bool customerSide)
    {
        List<IObjectAttribute> t =
        [
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            f.Create(CKA.CKA_TOKEN, false),
            f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, true),
            f.Create(CKA.CKA_EXTRACTABLE, customerSide),
            f.Create(CKA.CKA_WRAP, customerSide),
            f.Create(CKA.CKA_UNWRAP, !customerSide),
            f.Create(CKA.CKA_ENCRYPT, false),
            f.Create(CKA.CKA_DECRYPT, false),
        ];
        if (customerSide) t.Add(f.Create(CKA.CKA_VALUE_LEN, 32UL));
        return t;
    }

    /// <summary>BYOK, customer side: the vault's KEK public key as a session object that can only wrap.</summary>
    public List<IObjectAttribute> SessionRsaWrapKey(byte[] n, byte[] e) =>
    [
        f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
        f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
        f.Create(CKA.CKA_TOKEN, false),
        f.Create(CKA.CKA_WRAP, true),
        f.Create(CKA.CKA_ENCRYPT, false),
        f.Create(CKA.CKA_MODULUS, n),
        f.Create(CKA.CKA_PUBLIC_EXPONENT, e),
    ];

    /// <summary>A public-key template as a session object without the key's CKA_ID (for in-token consistency checks).</summary>
    public List<IObjectAttribute> SessionVerifyKey(List<IObjectAttribute> publicTemplate) =>
    [
        .. publicTemplate.Where(a => a.Type is not ((ulong)CKA.CKA_TOKEN or (ulong)CKA.CKA_ID or (ulong)CKA.CKA_LABEL)),
        f.Create(CKA.CKA_TOKEN, false),
    ];

    /// <summary>Target of ECDH with the generator: the public x coordinate, readable, session-only.</summary>
    public List<IObjectAttribute> PublicValue(int bytes) =>
    [
        f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
        f.Create(CKA.CKA_TOKEN, false),
        f.Create(CKA.CKA_SENSITIVE, false),
        f.Create(CKA.CKA_EXTRACTABLE, true),
        f.Create(CKA.CKA_VALUE_LEN, (ulong)bytes),
    ];

    public IObjectAttribute Sign(bool on) => f.Create(CKA.CKA_SIGN, on);
    public IObjectAttribute Encrypt(bool on) => f.Create(CKA.CKA_ENCRYPT, on);
    public IObjectAttribute Derive(bool on) => f.Create(CKA.CKA_DERIVE, on);

    public List<IObjectAttribute> FindByLabel(string label) => [f.Create(CKA.CKA_LABEL, label)];

    // Probe objects: session-only, never used for caller data.
    public List<IObjectAttribute> ProbeRsaPublic(byte[] n, byte[] e) =>
    [
        f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
        f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
        f.Create(CKA.CKA_TOKEN, false),
        f.Create(CKA.CKA_ENCRYPT, true),
        f.Create(CKA.CKA_MODULUS, n),
        f.Create(CKA.CKA_PUBLIC_EXPONENT, e),
    ];

    public (List<IObjectAttribute> Public, List<IObjectAttribute> Private) ProbeEcPair(HsmCurve curve) =>
    (
        [f.Create(CKA.CKA_TOKEN, false), f.Create(CKA.CKA_VERIFY, true), f.Create(CKA.CKA_EC_PARAMS, EcCurves.OidDer(curve))],
        [f.Create(CKA.CKA_TOKEN, false), f.Create(CKA.CKA_SIGN, true), f.Create(CKA.CKA_SENSITIVE, true)]
    );

    public List<IObjectAttribute> ProbeAes(byte[] value) =>
    [
        f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
        f.Create(CKA.CKA_TOKEN, false),
        f.Create(CKA.CKA_ENCRYPT, true),
        f.Create(CKA.CKA_DECRYPT, true),
        f.Create(CKA.CKA_VALUE, value),
    ];

    /// <summary>A key's RSA1_5 rejection secret: an HMAC key sharing the key's CKA_ID, never extractable.</summary>
    public List<IObjectAttribute> RejectionSecret(byte[] ckaId, string label) =>
    [
        .. FindRejectionSecret(ckaId),
        f.Create(CKA.CKA_LABEL, label),
        f.Create(CKA.CKA_TOKEN, true),
        f.Create(CKA.CKA_PRIVATE, true),
        f.Create(CKA.CKA_SENSITIVE, true),
        f.Create(CKA.CKA_EXTRACTABLE, false),
        f.Create(CKA.CKA_SIGN, true),
        f.Create(CKA.CKA_VALUE_LEN, 32UL),
    ];

    public List<IObjectAttribute> FindRejectionSecret(byte[] ckaId) =>
        [f.Create(CKA.CKA_ID, ckaId), f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET)];

    public List<IObjectAttribute> Find(byte[] ckaId, CKO cls) =>
        [f.Create(CKA.CKA_ID, ckaId), f.Create(CKA.CKA_CLASS, cls)];

    public List<IObjectAttribute> FindAll(byte[] ckaId) => [f.Create(CKA.CKA_ID, ckaId)];

    private List<IObjectAttribute> Common(CKO cls, CKK type, byte[] ckaId, string label) =>
    [
        f.Create(CKA.CKA_CLASS, cls),
        f.Create(CKA.CKA_KEY_TYPE, type),
        f.Create(CKA.CKA_TOKEN, true),
        // Public halves private too: listing keys needs a login.
        f.Create(CKA.CKA_PRIVATE, true),
        f.Create(CKA.CKA_ID, ckaId),
        f.Create(CKA.CKA_LABEL, label),
    ];

    private void AddProtection(List<IObjectAttribute> t)
    {
        t.Add(f.Create(CKA.CKA_SENSITIVE, true));
        t.Add(f.Create(CKA.CKA_EXTRACTABLE, true));
        t.Add(f.Create(CKA.CKA_WRAP_WITH_TRUSTED, true));
    }

    /// <summary>Target template of C_UnwrapKey for a restored private or secret key (no value: it comes wrapped).</summary>
    public List<IObjectAttribute> RestoredPrivate(CKO cls, CKK type, byte[] ckaId, string label, HsmKeyUsage usage)
    {
        var t = Common(cls, type, ckaId, label);
        AddProtection(t);
        if (cls == CKO.CKO_SECRET_KEY) AddPublicUsage(t, usage);
        AddPrivateUsage(t, type == CKK.CKK_EC ? usage & HsmKeyUsage.Sign : usage);
        return t;
    }

    /// <summary>The security officer's backup wrapping key: public (the SO cannot make private objects), trusted, never readable.</summary>
    public List<IObjectAttribute> BackupWrapKey(byte[] ckaId, string label) =>
    [
        f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
        f.Create(CKA.CKA_VALUE_LEN, 32UL),
        f.Create(CKA.CKA_TOKEN, true),
        f.Create(CKA.CKA_PRIVATE, false),
        f.Create(CKA.CKA_SENSITIVE, true),
        f.Create(CKA.CKA_EXTRACTABLE, false),
        f.Create(CKA.CKA_TRUSTED, true),
        f.Create(CKA.CKA_WRAP, true),
        f.Create(CKA.CKA_UNWRAP, true),
        f.Create(CKA.CKA_ENCRYPT, false),
        f.Create(CKA.CKA_DECRYPT, false),
        f.Create(CKA.CKA_ID, ckaId),
        f.Create(CKA.CKA_LABEL, label),
    ];

    /// <summary>The user's backup sealing key: private, AES-GCM only, never extractable.</summary>
    public List<IObjectAttribute> BackupSealKey(byte[] ckaId, string label) =>
    [
        f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
        f.Create(CKA.CKA_VALUE_LEN, 32UL),
        f.Create(CKA.CKA_TOKEN, true),
        f.Create(CKA.CKA_PRIVATE, true),
        f.Create(CKA.CKA_SENSITIVE, true),
        f.Create(CKA.CKA_EXTRACTABLE, false),
        f.Create(CKA.CKA_ENCRYPT, true),
        f.Create(CKA.CKA_DECRYPT, true),
        f.Create(CKA.CKA_WRAP, false),
        f.Create(CKA.CKA_UNWRAP, false),
        f.Create(CKA.CKA_ID, ckaId),
        f.Create(CKA.CKA_LABEL, label),
    ];

    public List<IObjectAttribute> FindSecretByLabel(string label) =>
        [f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_LABEL, label)];

    private void AddPublicUsage(List<IObjectAttribute> t, HsmKeyUsage u)
    {
        t.Add(f.Create(CKA.CKA_VERIFY, u.HasFlag(HsmKeyUsage.Verify)));
        t.Add(f.Create(CKA.CKA_ENCRYPT, u.HasFlag(HsmKeyUsage.Encrypt)));
        t.Add(f.Create(CKA.CKA_WRAP, u.HasFlag(HsmKeyUsage.Wrap)));
    }

    private void AddPrivateUsage(List<IObjectAttribute> t, HsmKeyUsage u)
    {
        t.Add(f.Create(CKA.CKA_SIGN, u.HasFlag(HsmKeyUsage.Sign)));
        t.Add(f.Create(CKA.CKA_DECRYPT, u.HasFlag(HsmKeyUsage.Decrypt)));
        t.Add(f.Create(CKA.CKA_UNWRAP, u.HasFlag(HsmKeyUsage.Unwrap)));
    }
}
