using System.Security.Cryptography;
using System.Text;

namespace HsmVault.Hsm.Tests;

[Collection("softhsm")]
public class SigningTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("signed inside, checked outside");

    [Theory]
    [InlineData(HsmHash.Sha256)]
    [InlineData(HsmHash.Sha384)]
    [InlineData(HsmHash.Sha512)]
    public void RS_signature_verifies_outside_and_inside(HsmHash hash)
    {
        var digest = Outside.Digest(hash, Message);
        var sig = _t.SignRsaPkcs1(hsm.Rsa, hash, digest);
        using var rsa = Outside.Rsa(_t.GetRsaPublicKey(hsm.Rsa));
        Assert.True(rsa.VerifyHash(digest, sig, Outside.Name(hash), RSASignaturePadding.Pkcs1));
        Assert.True(_t.VerifyRsaPkcs1(hsm.Rsa, hash, digest, sig));
        Assert.False(_t.VerifyRsaPkcs1(hsm.Rsa, hash, digest, Outside.Flip(sig, 10)));
        Assert.False(_t.VerifyRsaPkcs1(hsm.Rsa, hash, Outside.Flip(digest, 0), sig));
    }

    [Theory]
    [InlineData(HsmHash.Sha256)]
    [InlineData(HsmHash.Sha384)]
    [InlineData(HsmHash.Sha512)]
    public void PS_signature_verifies_outside_and_inside(HsmHash hash)
    {
        var digest = Outside.Digest(hash, Message);
        var sig = _t.SignRsaPss(hsm.Rsa, hash, digest);
        using var rsa = Outside.Rsa(_t.GetRsaPublicKey(hsm.Rsa));
        Assert.True(rsa.VerifyHash(digest, sig, Outside.Name(hash), RSASignaturePadding.Pss));
        Assert.True(_t.VerifyRsaPss(hsm.Rsa, hash, digest, sig));
        Assert.False(_t.VerifyRsaPss(hsm.Rsa, hash, digest, Outside.Flip(sig, 3)));
    }

    [Theory]
    [InlineData(HsmCurve.P256, HsmHash.Sha256)]
    [InlineData(HsmCurve.P384, HsmHash.Sha384)]
    [InlineData(HsmCurve.P521, HsmHash.Sha512)]
    [InlineData(HsmCurve.Secp256k1, HsmHash.Sha256)]
    public void ES_signature_verifies_outside_and_inside(HsmCurve curve, HsmHash hash)
    {
        if (curve == HsmCurve.Secp256k1 && !_t.Capabilities.Secp256k1) return; // covered by Secp256k1_matches_reported_capability
        var id = hsm.Ec(curve);
        var digest = Outside.Digest(hash, Message);
        var sig = _t.SignEcdsa(id, digest);
        var pub = _t.GetEcPublicKey(id);
        Assert.Equal(2 * pub.X.Length, sig.Length);
        using var ec = Outside.Ec(pub);
        Assert.True(ec.VerifyHash(digest, sig));
        Assert.True(_t.VerifyEcdsa(id, digest, sig));
        Assert.False(_t.VerifyEcdsa(id, digest, Outside.Flip(sig, 5)));
        Assert.False(_t.VerifyEcdsa(id, digest, sig[..^1]));
    }

    [Fact]
    public void Signatures_made_outside_verify_in_the_hsm()
    {
        using var rsa = RSA.Create(2048);
        var rsaId = _t.ImportRsa(Outside.Material(rsa.ExportParameters(true)), HsmKeyUsage.Sign | HsmKeyUsage.Verify, "outside-rsa");
        var digest = SHA256.HashData(Message);
        Assert.True(_t.VerifyRsaPkcs1(rsaId, HsmHash.Sha256, digest, rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.True(_t.VerifyRsaPss(rsaId, HsmHash.Sha256, digest, rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));

        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p = ec.ExportParameters(true);
        var ecId = _t.ImportEc(new EcPrivateKeyMaterial(HsmCurve.P384, p.D!, p.Q.X!, p.Q.Y!), HsmKeyUsage.Sign | HsmKeyUsage.Verify, "outside-ec");
        var d384 = SHA384.HashData(Message);
        Assert.True(_t.VerifyEcdsa(ecId, d384, ec.SignHash(d384)));
        _t.DestroyKey(rsaId);
        _t.DestroyKey(ecId);
    }

    [Fact]
    public void Wrong_digest_length_is_invalid_input()
    {
        var e1 = Assert.Throws<HsmException>(() => _t.SignRsaPkcs1(hsm.Rsa, HsmHash.Sha256, new byte[31]));
        var e2 = Assert.Throws<HsmException>(() => _t.SignRsaPss(hsm.Rsa, HsmHash.Sha512, new byte[32]));
        var e3 = Assert.Throws<HsmException>(() => _t.SignEcdsa(hsm.Ec(HsmCurve.P256), new byte[48]));
        var e4 = Assert.Throws<HsmException>(() => _t.VerifyRsaPkcs1(hsm.Rsa, HsmHash.Sha384, new byte[32], new byte[256]));
        Assert.All(new[] { e1, e2, e3, e4 }, e => Assert.Equal(HsmErrorKind.InvalidInput, e.Kind));
    }

    [Fact]
    public void Wrong_key_type_is_invalid_input()
    {
        var e = Assert.Throws<HsmException>(() => _t.SignEcdsa(hsm.Rsa, new byte[32]));
        Assert.Equal(HsmErrorKind.InvalidInput, e.Kind);
    }
}
