using System.Security.Cryptography;

namespace HsmVault.Hsm.Tests;

[Collection("softhsm")]
public class RsaEncryptionTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;

    public static TheoryData<RsaPadding> Paddings => [RsaPadding.Pkcs1, RsaPadding.OaepSha1, RsaPadding.OaepSha256];

    private static RSAEncryptionPadding Net(RsaPadding p) => p switch
    {
        RsaPadding.Pkcs1 => RSAEncryptionPadding.Pkcs1,
        RsaPadding.OaepSha1 => RSAEncryptionPadding.OaepSHA1,
        _ => RSAEncryptionPadding.OaepSHA256,
    };

    [Theory]
    [MemberData(nameof(Paddings))]
    public void Decrypts_ciphertext_made_outside(RsaPadding padding)
    {
        using var rsa = Outside.Rsa(_t.GetRsaPublicKey(hsm.Rsa));
        var plain = RandomNumberGenerator.GetBytes(48);
        var ct = rsa.Encrypt(plain, Net(padding));
        Assert.Equal(plain, _t.DecryptRsa(hsm.Rsa, padding, ct));
    }

    // RSA1_5 answers tampered ciphertext with a synthetic message instead (ImplicitRejectionTests).
    [Theory]
    [InlineData(RsaPadding.OaepSha1)]
    [InlineData(RsaPadding.OaepSha256)]
    public void Tampered_ciphertext_is_invalid_input(RsaPadding padding)
    {
        using var rsa = Outside.Rsa(_t.GetRsaPublicKey(hsm.Rsa));
        var ct = rsa.Encrypt(RandomNumberGenerator.GetBytes(32), Net(padding));
        foreach (var bad in new[] { Outside.Flip(ct, 0), Outside.Flip(ct, 100), Outside.Flip(ct, ct.Length - 1) })
        {
            var e = Assert.Throws<HsmException>(() => _t.DecryptRsa(hsm.Rsa, padding, bad));
            Assert.Equal(HsmErrorKind.InvalidInput, e.Kind);
            Assert.DoesNotContain("CKR_", e.Message);
        }
        Assert.Equal(HsmErrorKind.InvalidInput, Assert.Throws<HsmException>(() => _t.DecryptRsa(hsm.Rsa, padding, ct[1..])).Kind);
    }

    [Theory]
    [MemberData(nameof(Paddings))]
    public void Hsm_ciphertext_decrypts_outside(RsaPadding padding)
    {
        using var rsa = RSA.Create(2048);
        var id = _t.ImportRsa(Outside.Material(rsa.ExportParameters(true)), HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "enc-rsa");
        foreach (var len in new[] { 0, 1, 32, 190 })
        {
            var plain = RandomNumberGenerator.GetBytes(len);
            var ct = _t.EncryptRsa(id, padding, plain);
            Assert.Equal(plain, rsa.Decrypt(ct, Net(padding)));
            Assert.Equal(plain, _t.DecryptRsa(id, padding, ct));
        }
        _t.DestroyKey(id);
    }

    [Fact]
    public void Oaep256_plaintext_too_long_is_invalid_input()
    {
        var e = Assert.Throws<HsmException>(() => _t.EncryptRsa(hsm.Rsa, RsaPadding.OaepSha256, new byte[256 - 2 * 32 - 1]));
        Assert.Equal(HsmErrorKind.InvalidInput, e.Kind);
    }

    [Fact]
    public void Oaep_encoding_rejects_every_corrupted_byte_with_one_error()
    {
        // Pure managed check of the decoder: flipping any byte of a valid encoding must fail the same way.
        var em = OaepEncoding.Encode(RandomNumberGenerator.GetBytes(20), 256);
        Assert.Equal(20, OaepEncoding.Decode(em, 256).Length);
        for (int i = 0; i < em.Length; i++)
        {
            var e = Assert.Throws<HsmException>(() => OaepEncoding.Decode(Outside.Flip(em, i), 256));
            Assert.Equal("RSA decryption failed", e.Message);
        }
    }
}
