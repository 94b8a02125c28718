using System.Security.Cryptography;

namespace HsmVault.Hsm.Tests;

[Collection("softhsm")]
public class ImportTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;

    [Fact]
    public void Imported_rsa_key_is_protected_and_usable()
    {
        using var rsa = RSA.Create(3072);
        var p = rsa.ExportParameters(true);
        var id = _t.ImportRsa(Outside.Material(p), SoftHsmFixture.All, "imported-rsa");
        var a = _t.GetKeyAttributes(id);
        Assert.True(a.Token && a.Private && a.Sensitive);
        Assert.True(a.Extractable && a.WrapWithTrusted);
        var pub = _t.GetRsaPublicKey(id);
        Assert.Equal(p.Modulus, pub.Modulus);
        var digest = SHA384.HashData("imported"u8);
        Assert.True(rsa.VerifyHash(digest, _t.SignRsaPkcs1(id, HsmHash.Sha384, digest), HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));
        _t.DestroyKey(id);
    }

    [Theory]
    [InlineData(HsmCurve.P256, HsmHash.Sha256)]
    [InlineData(HsmCurve.P384, HsmHash.Sha384)]
    [InlineData(HsmCurve.P521, HsmHash.Sha512)]
    [InlineData(HsmCurve.Secp256k1, HsmHash.Sha256)]
    public void Imported_ec_key_signs_and_keeps_its_public_point(HsmCurve curve, HsmHash hash)
    {
        if (curve == HsmCurve.Secp256k1 && !_t.Capabilities.Secp256k1) return;
        using var ec = ECDsa.Create(Outside.Curve(curve));
        var p = ec.ExportParameters(true);
        var id = _t.ImportEc(new EcPrivateKeyMaterial(curve, p.D!, p.Q.X!, p.Q.Y!), HsmKeyUsage.Sign | HsmKeyUsage.Verify, "imported-ec");
        var a = _t.GetKeyAttributes(id);
        Assert.True(a.Sensitive);
        Assert.True(a.Extractable && a.WrapWithTrusted);
        var pub = _t.GetEcPublicKey(id);
        Assert.Equal(p.Q.X, pub.X);
        Assert.Equal(p.Q.Y, pub.Y);
        var digest = Outside.Digest(hash, "imported ec"u8.ToArray());
        Assert.True(ec.VerifyHash(digest, _t.SignEcdsa(id, digest)));
        _t.DestroyKey(id);
    }

    [Fact]
    public void Imported_aes_key_is_protected()
    {
        var id = _t.ImportAes(RandomNumberGenerator.GetBytes(24), HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "imported-aes");
        var a = _t.GetKeyAttributes(id);
        Assert.True(a.Token && a.Private && a.Sensitive);
        Assert.True(a.Extractable && a.WrapWithTrusted);
        _t.DestroyKey(id);
    }

    [Fact]
    public void Bad_import_material_is_invalid_input()
    {
        Assert.Equal(HsmErrorKind.InvalidInput, Assert.Throws<HsmException>(() => _t.ImportAes(new byte[10], HsmKeyUsage.Encrypt, "x")).Kind);
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pa = a.ExportParameters(true);
        var pb = b.ExportParameters(false);
        var bad = new[]
        {
            new EcPrivateKeyMaterial(HsmCurve.P256, new byte[32], pa.Q.X!, pa.Q.Y!),              // d = 0
            new EcPrivateKeyMaterial(HsmCurve.P256, Enumerable.Repeat((byte)0xFF, 33).ToArray(), pa.Q.X!, pa.Q.Y!),
            new EcPrivateKeyMaterial(HsmCurve.P256, pa.D!, pb.Q.X!, pb.Q.Y!),                     // wrong public point
            new EcPrivateKeyMaterial(HsmCurve.P384, pa.D!, pa.Q.X!, pa.Q.Y!),                     // wrong curve
        };
        foreach (var m in bad)
            Assert.Equal(HsmErrorKind.InvalidInput, Assert.Throws<HsmException>(() => _t.ImportEc(m, HsmKeyUsage.Sign, "x")).Kind);
    }
}
