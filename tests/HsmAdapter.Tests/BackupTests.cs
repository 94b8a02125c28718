using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm.Tests;

/// <summary>
/// Key versions leave the token only wrapped under the security officer's trusted backup key, and come back as new
/// token objects that do what the originals did (checked outside the HSM with the original public key).
/// </summary>
[Collection("softhsm")]
public class BackupTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;

    [Fact]
    public void Ceremony_made_a_trusted_wrapping_key_and_a_private_sealing_key()
    {
        Assert.Equal(["created " + new HsmOptions().BackupKeyLabel, "created " + new HsmOptions().BackupKeyLabel + "-seal"], hsm.CeremonyLog);
        var keys = _t.BackupKeys;
        Assert.NotNull(keys);
        var (trusted, priv, value) = _t.WithKey(keys.WrapKey, CKO.CKO_SECRET_KEY, "test read", (s, k) =>
        {
            var a = s.GetAttributeValue(k.Handle, [CKA.CKA_TRUSTED, CKA.CKA_PRIVATE, CKA.CKA_VALUE]);
            return (a[0].GetValueAsBool(), a[1].GetValueAsBool(), a[2].CannotBeRead ? null : a[2].GetValueAsByteArray());
        });
        Assert.True(trusted);
        Assert.False(priv); // the security officer can only make public objects
        Assert.Null(value);
        var seal = _t.GetKeyAttributes(keys.SealKey);
        Assert.True(seal.Private && seal.Sensitive && !seal.Extractable);
    }

    [Fact]
    public void Ceremony_with_a_wrong_security_officer_pin_fails_and_changes_nothing()
    {
        var before = _t.BackupKeys;
        Assert.Throws<HsmException>(() => BackupKeyCeremony.Run(hsm.Options(), "wrong-so-pin"));
        Assert.Equal(before, _t.BackupKeys);
    }

    [Fact]
    public void Wrapping_with_any_key_but_the_trusted_one_fails()
    {
        var id = _t.GenerateAes(256, HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "wrap-target");
        var rv = _t.WithKey(id, CKO.CKO_SECRET_KEY, "test wrap", (s, target) =>
        {
            var f = _t.Factories.ObjectAttributeFactory;
            // An ordinary (untrusted) AES wrapping key made by the user.
            using var gen = _t.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
            var kek = s.GenerateKey(gen, [f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
                f.Create(CKA.CKA_VALUE_LEN, 32UL), f.Create(CKA.CKA_TOKEN, false), f.Create(CKA.CKA_WRAP, true)]);
            try
            {
                using var mech = _t.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
                s.WrapKey(mech, kek, target.Handle);
                return CKR.CKR_OK;
            }
            catch (Pkcs11Exception e)
            {
                return e.RV;
            }
            finally
            {
                s.DestroyObject(kek);
            }
        });
        Assert.Equal(CKR.CKR_KEY_NOT_WRAPPABLE, rv);
        _t.DestroyKey(id);
    }

    [Fact]
    public void Rsa_key_restored_from_its_backup_signs_for_the_original_public_key()
    {
        var id = _t.GenerateRsa(2048, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "backup-rsa");
        var pub = _t.GetRsaPublicKey(id);
        var wrapped = _t.WrapForBackup(id);
        _t.DestroyKey(id);
        var restored = _t.UnwrapRsaFromBackup(wrapped, pub, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "restored-rsa");
        Assert.NotEqual(id, restored);
        Assert.Equal(pub.Modulus, _t.GetRsaPublicKey(restored).Modulus);
        var a = _t.GetKeyAttributes(restored);
        // An unwrapped key is sensitive from birth but, as PKCS#11 defines it, not "always sensitive".
        Assert.True(a.Token && a.Private && a.Sensitive && a.Extractable && a.WrapWithTrusted);
        var digest = SHA256.HashData("restored"u8);
        using var outside = Outside.Rsa(pub);
        Assert.True(outside.VerifyHash(digest, _t.SignRsaPss(restored, HsmHash.Sha256, digest), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        _t.DestroyKey(restored);
    }

    [Fact]
    public void Ec_key_restored_from_its_backup_signs_for_the_original_public_key()
    {
        var id = _t.GenerateEc(HsmCurve.P256, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "backup-ec");
        var pub = _t.GetEcPublicKey(id);
        var restored = _t.UnwrapEcFromBackup(_t.WrapForBackup(id), pub, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "restored-ec");
        _t.DestroyKey(id);
        var digest = SHA256.HashData("restored"u8);
        using var outside = Outside.Ec(pub);
        Assert.True(outside.VerifyHash(digest, _t.SignEcdsa(restored, digest)));
        _t.DestroyKey(restored);
    }

    [Fact]
    public void Aes_key_restored_from_its_backup_decrypts_what_the_original_encrypted()
    {
        var usage = HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt;
        var id = _t.GenerateAes(256, usage, "backup-aes");
        var iv = RandomNumberGenerator.GetBytes(12);
        var sealedData = _t.EncryptAesGcm(id, iv, "plain"u8.ToArray(), null);
        var restored = _t.UnwrapAesFromBackup(_t.WrapForBackup(id), usage, "restored-aes");
        _t.DestroyKey(id);
        Assert.Equal("plain"u8.ToArray(), _t.DecryptAesGcm(restored, iv, sealedData.Ciphertext, sealedData.Tag, null));
        _t.DestroyKey(restored);
    }

    [Fact]
    public void Another_deployments_backup_keys_neither_unwrap_our_keys_nor_open_our_sealed_blobs()
    {
        using var foreign = HsmToken.Open(hsm.Options(label: hsm.ForeignLabel));
        Assert.NotEqual(_t.BackupKeys, foreign.BackupKeys);
        var id = _t.GenerateEc(HsmCurve.P256, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "backup-ec-foreign");
        var pub = _t.GetEcPublicKey(id);
        var wrapped = _t.WrapForBackup(id);
        _t.DestroyKey(id);
        Assert.Equal(HsmErrorKind.InvalidInput,
            Assert.Throws<HsmException>(() => foreign.UnwrapEcFromBackup(wrapped, pub, HsmKeyUsage.Sign, "stolen")).Kind);

        var iv = _t.GenerateRandom(12);
        var sealedBlob = _t.EncryptAesGcm(_t.BackupKeys!.SealKey, iv, "blob"u8.ToArray(), "aad"u8.ToArray());
        Assert.Equal(HsmErrorKind.InvalidInput, Assert.Throws<HsmException>(() =>
            foreign.DecryptAesGcm(foreign.BackupKeys!.SealKey, iv, sealedBlob.Ciphertext, sealedBlob.Tag, "aad"u8.ToArray())).Kind);
        Assert.Equal("blob"u8.ToArray(), _t.DecryptAesGcm(_t.BackupKeys.SealKey, iv, sealedBlob.Ciphertext, sealedBlob.Tag, "aad"u8.ToArray()));
    }

    [Fact]
    public void A_tampered_wrapped_key_is_refused_as_bad_input()
    {
        var id = _t.GenerateEc(HsmCurve.P256, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "backup-ec-tamper");
        var pub = _t.GetEcPublicKey(id);
        var wrapped = _t.WrapForBackup(id);
        _t.DestroyKey(id);
        var e = Assert.Throws<HsmException>(() => _t.UnwrapEcFromBackup(Outside.Flip(wrapped, wrapped.Length / 2), pub, HsmKeyUsage.Sign, "x"));
        Assert.Equal(HsmErrorKind.InvalidInput, e.Kind);
    }
}
