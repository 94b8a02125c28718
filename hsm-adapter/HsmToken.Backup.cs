using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

// Backup: key versions leave the token only wrapped under the security officer's trusted backup key.
public sealed partial class HsmToken
{
    private HsmBackupKeys? _backupKeys;
    private readonly Lock _backupGate = new();

    public HsmBackupKeys? BackupKeys
    {
        get
        {
            // Looked up until found: the ceremony may be done while the service runs.
            if (Volatile.Read(ref _backupKeys) is { } known) return known;
            lock (_backupGate)
            {
                _backupKeys ??= WithSession("find backup keys", FindBackupKeys);
                return _backupKeys;
            }
        }
    }

    private HsmBackupKeys? FindBackupKeys(ISession s)
    {
        var wrap = FindOne(s, _backupKeyLabel, requireTrusted: true);
        var seal = FindOne(s, _backupKeyLabel + BackupKeyCeremony.SealSuffix, requireTrusted: false);
        return wrap is null || seal is null ? null : new HsmBackupKeys(wrap.Value, seal.Value);
    }

    private HsmKeyId? FindOne(ISession s, string label, bool requireTrusted)
    {
        foreach (var h in s.FindAllObjects(Templates.FindSecretByLabel(label)))
        {
            var a = s.GetAttributeValue(h, [CKA.CKA_ID, CKA.CKA_TRUSTED]);
            // A key that merely carries the label but was not marked trusted by the security officer is not the backup key.
            if (requireTrusted && !a[1].GetValueAsBool()) continue;
            return ToKeyId(a[0].GetValueAsByteArray());
        }
        return null;
    }

    private HsmBackupKeys RequireBackupKeys() => BackupKeys
        ?? throw new HsmException(HsmErrorKind.Unsupported, "The token has no trusted backup key (run the backup key ceremony)");

    public byte[] WrapForBackup(HsmKeyId id)
    {
        var keys = RequireBackupKeys();
        return WithKey(keys.WrapKey, CKO.CKO_SECRET_KEY, "wrap key for backup", (s, wrapKey) =>
        {
            var target = s.FindAllObjects(Templates.Find(IdBytes(id), CKO.CKO_PRIVATE_KEY)).FirstOrDefault()
                ?? s.FindAllObjects(Templates.Find(IdBytes(id), CKO.CKO_SECRET_KEY)).FirstOrDefault()
                ?? throw new HsmException(HsmErrorKind.NotFound, $"Key {id.Value} has no private or secret object");
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
            return s.WrapKey(mech, wrapKey.Handle, target);
        });
    }

    public HsmKeyId UnwrapRsaFromBackup(byte[] wrapped, RsaPublicKey publicKey, HsmKeyUsage usage, string label)
    {
        var ckaId = KeyTemplates.NewCkaId();
        return UnwrapPair(wrapped, Templates.RestoredPrivate(CKO.CKO_PRIVATE_KEY, CKK.CKK_RSA, ckaId, label, usage),
            Templates.RsaPublic(ckaId, label, usage, key: publicKey), ToKeyId(ckaId), "restore RSA key");
    }

    public HsmKeyId UnwrapEcFromBackup(byte[] wrapped, EcPublicKey publicKey, HsmKeyUsage usage, string label)
    {
        var ckaId = KeyTemplates.NewCkaId();
        var point = EcCurves.EncodePoint(publicKey.Curve, publicKey.X, publicKey.Y);
        return UnwrapPair(wrapped, Templates.RestoredPrivate(CKO.CKO_PRIVATE_KEY, CKK.CKK_EC, ckaId, label, usage),
            Templates.EcPublic(ckaId, label, usage, publicKey.Curve, point), ToKeyId(ckaId), "restore EC key");
    }

    public HsmKeyId UnwrapAesFromBackup(byte[] wrapped, HsmKeyUsage usage, string label)
    {
        var ckaId = KeyTemplates.NewCkaId();
        return UnwrapPair(wrapped, Templates.RestoredPrivate(CKO.CKO_SECRET_KEY, CKK.CKK_AES, ckaId, label, usage), null,
            ToKeyId(ckaId), "restore AES key");
    }

    private HsmKeyId UnwrapPair(byte[] wrapped, List<IObjectAttribute> privateT, List<IObjectAttribute>? publicT, HsmKeyId id, string op)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        var keys = RequireBackupKeys();
        // The wrapping key is looked up inside the token-write turn: a write never runs inside a read turn (WithKey).
        return WithTokenWrite(op, s =>
        {
            var wrapKey = s.FindAllObjects(Templates.Find(IdBytes(keys.WrapKey), CKO.CKO_SECRET_KEY)).FirstOrDefault()
                ?? throw new HsmException(HsmErrorKind.Unsupported, "The token's backup key is gone (run the backup key ceremony)");
            using var mech = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
            IObjectHandle priv;
            try
            {
                priv = s.UnwrapKey(mech, wrapKey, wrapped, privateT);
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED)
            {
                // SoftHSM reports a failed integrity check of the wrapped bytes this way: the input is bad, not the token.
                throw new HsmException(HsmErrorKind.InvalidInput, "The wrapped key does not unwrap under the backup key", e);
            }
            if (publicT is null) return id;
            try
            {
                s.CreateObject(publicT);
            }
            catch
            {
                try { s.DestroyObject(priv); } catch (Pkcs11Exception) { }
                throw;
            }
            return id;
        }, decryptLike: true);
    }
}
