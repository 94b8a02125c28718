using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

// RSA1_5 decryption with implicit rejection: the raw RSA step and the HMAC under the key's rejection secret run in the
// HSM; the constant-time decoding in Pkcs1ImplicitRejection.
public sealed partial class HsmToken
{
    private const string RejectionLabelPrefix = "rsa1_5-rejection/";

    /// <summary>Whether RSA1_5 decryption uses implicit rejection (raw RSA and HMAC-SHA256 in the token).</summary>
    internal bool ImplicitRejection { get; private set; }

    private void ProbeImplicitRejection()
    {
        var mechs = new HashSet<CKM>(_slot.GetMechanismList());
        ImplicitRejection = Capabilities.RsaRaw && mechs.Contains(CKM.CKM_SHA256_HMAC) && mechs.Contains(CKM.CKM_GENERIC_SECRET_KEY_GEN);
    }

    private byte[] DecryptPkcs1ImplicitRejection(ISession s, HsmKeyId id, KeyObject k, byte[] ciphertext)
    {
        var kdk = RejectionKdk(s, id, ciphertext);
        byte[] raw;
        using (var mech = Factories.MechanismFactory.Create(CKM.CKM_RSA_X_509))
            raw = s.Decrypt(mech, k.Handle, ciphertext);
        var em = new byte[k.ModulusBytes];
        try
        {
            if (raw.Length > em.Length) throw new HsmException(HsmErrorKind.Unavailable, "Token returned an unexpected raw RSA output length");
            raw.CopyTo(em, em.Length - raw.Length);
            return Pkcs1ImplicitRejection.Decode(em, kdk);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(raw);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(em);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(kdk);
        }
    }

    /// <summary>HMAC-SHA256 of the ciphertext under the key's rejection secret (a token object sharing the key's CKA_ID).</summary>
    private byte[] RejectionKdk(ISession s, HsmKeyId id, byte[] ciphertext)
    {
        var cacheKey = (CacheId(id), CKO.CKO_SECRET_KEY);
        if (!_handles.TryGetValue(cacheKey, out var secret))
        {
            secret = new KeyObject(FindOrCreateRejectionSecret(s, IdBytes(id)), CKK.CKK_GENERIC_SECRET, 0, null);
            _handles[cacheKey] = secret;
        }
        using var mech = Factories.MechanismFactory.Create(CKM.CKM_SHA256_HMAC);
        return s.Sign(mech, secret.Handle, ciphertext);
    }

    /// <summary>
    /// Makes the key's rejection secret on its first RSA1_5 decryption, before the decryption's read turn (creating a token
    /// object is a token write, which never runs inside a read turn). Should two instances make one at the same moment,
    /// every instance picks the one with the smallest label, so the synthetic messages stay the same everywhere.
    /// </summary>
    private void EnsureRejectionSecret(HsmKeyId id)
    {
        if (_handles.ContainsKey((CacheId(id), CKO.CKO_SECRET_KEY))) return;
        var ckaId = IdBytes(id);
        if (WithSession("find rejection secret", s => FindRejectionSecret(s, ckaId)) is not null) return;
        WithTokenWrite("create rejection secret", s =>
        {
            if (FindRejectionSecret(s, ckaId) is not null) return 0;
            // No such key: nothing to make (the decryption then answers not found).
            if (s.FindAllObjects(Templates.Find(ckaId, CKO.CKO_PRIVATE_KEY)).Count == 0) return 0;
            var label = RejectionLabelPrefix + Convert.ToHexStringLower(KeyTemplates.NewCkaId());
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_GENERIC_SECRET_KEY_GEN);
            s.GenerateKey(mech, Templates.RejectionSecret(ckaId, label));
            return 0;
        });
    }

    private IObjectHandle FindOrCreateRejectionSecret(ISession s, byte[] ckaId) =>
        FindRejectionSecret(s, ckaId) ?? throw new HsmException(HsmErrorKind.Unavailable, "Rejection secret not found after creating it");

    private IObjectHandle? FindRejectionSecret(ISession s, byte[] ckaId)
    {
        var found = s.FindAllObjects(Templates.FindRejectionSecret(ckaId));
        if (found.Count <= 1) return found.Count == 1 ? found[0] : null;
        return found.MinBy(h => s.GetAttributeValue(h, [CKA.CKA_LABEL])[0].GetValueAsString(), StringComparer.Ordinal);
    }
}
