using Net.Pkcs11Interop.Common;

namespace HsmVault.Hsm.Tests;

[Collection("softhsm")]
public class KeyGenerationTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;

    [Fact]
    public void Rsa_key_is_sensitive_token_object_wrappable_only_by_a_trusted_key()
    {
        var id = hsm.Rsa;
        Assert.Matches("^[0-9a-f]{32}$", id.Value);
        AssertProtected(_t.GetKeyAttributes(id));
        AssertUnreadable(id, CKO.CKO_PRIVATE_KEY, CKA.CKA_PRIVATE_EXPONENT);
        AssertUnreadable(id, CKO.CKO_PRIVATE_KEY, CKA.CKA_PRIME_1);
        var pub = _t.GetRsaPublicKey(id);
        Assert.Equal(256, pub.Modulus.SkipWhile(b => b == 0).Count());
        Assert.Equal(new byte[] { 1, 0, 1 }, pub.Exponent);
    }

    [Theory]
    [InlineData(HsmCurve.P256, 32)]
    [InlineData(HsmCurve.P384, 48)]
    [InlineData(HsmCurve.P521, 66)]
    public void Ec_key_is_protected_and_public_point_is_padded(HsmCurve curve, int size)
    {
        var id = hsm.Ec(curve);
        AssertProtected(_t.GetKeyAttributes(id));
        AssertUnreadable(id, CKO.CKO_PRIVATE_KEY, CKA.CKA_VALUE);
        var pub = _t.GetEcPublicKey(id);
        Assert.Equal(curve, pub.Curve);
        Assert.Equal(size, pub.X.Length);
        Assert.Equal(size, pub.Y.Length);
    }

    [Fact]
    public void Aes_key_is_protected()
    {
        var id = _t.GenerateAes(128, HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "gen-aes");
        AssertProtected(_t.GetKeyAttributes(id));
        AssertUnreadable(id, CKO.CKO_SECRET_KEY, CKA.CKA_VALUE);
        _t.DestroyKey(id);
    }

    [Fact]
    public void Secp256k1_matches_reported_capability()
    {
        if (_t.Capabilities.Secp256k1)
        {
            var id = hsm.Ec(HsmCurve.Secp256k1);
            Assert.Equal(32, _t.GetEcPublicKey(id).X.Length);
        }
        else
        {
            var e = Assert.Throws<HsmException>(() => _t.GenerateEc(HsmCurve.Secp256k1, HsmKeyUsage.Sign, "k1"));
            Assert.Equal(HsmErrorKind.Unsupported, e.Kind);
        }
    }

    [Fact]
    public void Public_and_private_halves_share_the_id_and_label()
    {
        var id = _t.GenerateEc(HsmCurve.P256, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "shared-label");
        var labels = _t.WithSession("test", s => s.FindAllObjects(_t.Templates.FindAll(HsmToken.IdBytes(id)))
            .Select(h => s.GetAttributeValue(h, [CKA.CKA_LABEL, CKA.CKA_CLASS]))
            .Select(a => (Label: a[0].GetValueAsString(), Class: (CKO)a[1].GetValueAsUlong()))
            .ToList());
        Assert.Equal(2, labels.Count);
        Assert.All(labels, l => Assert.Equal("shared-label", l.Label));
        Assert.Contains(labels, l => l.Class == CKO.CKO_PRIVATE_KEY);
        Assert.Contains(labels, l => l.Class == CKO.CKO_PUBLIC_KEY);
        _t.DestroyKey(id);
    }

    [Fact]
    public void Rejects_weak_or_odd_key_sizes()
    {
        Assert.Equal(HsmErrorKind.InvalidInput, Assert.Throws<HsmException>(() => _t.GenerateRsa(1024, HsmKeyUsage.Sign, "x")).Kind);
        Assert.Equal(HsmErrorKind.InvalidInput, Assert.Throws<HsmException>(() => _t.GenerateAes(100, HsmKeyUsage.Encrypt, "x")).Kind);
    }

    internal static void AssertProtected(HsmKeyAttributes a)
    {
        Assert.True(a.Token);
        Assert.True(a.Private);
        Assert.True(a.Sensitive);
        Assert.True(a.AlwaysSensitive);
        // Extractable only under a trusted key: the backup key is the one key that may wrap it (BackupTests).
        Assert.True(a.Extractable);
        Assert.True(a.WrapWithTrusted);
    }

    /// <summary>Goes around the adapter to Pkcs11Interop: the token itself must refuse to reveal the secret.</summary>
    private void AssertUnreadable(HsmKeyId id, CKO cls, CKA attribute)
    {
        var read = _t.WithKey(id, cls, "test read", (s, k) =>
        {
            try
            {
                var a = s.GetAttributeValue(k.Handle, [attribute])[0];
                return a.CannotBeRead ? null : a.GetValueAsByteArray();
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_ATTRIBUTE_SENSITIVE)
            {
                return null;
            }
        });
        Assert.Null(read);
    }
}
