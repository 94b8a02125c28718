using System.Security.Cryptography;

namespace HsmVault.Hsm.Tests;

/// <summary>
/// BYOK transfers into SoftHSM2: blobs built outside with System.Security.Cryptography (RSA-OAEP-SHA1 of an ephemeral
/// AES key, then AES-KWP of the target), unwrapped inside the token, and checked against the original key.
/// </summary>
[Collection("softhsm")]
public class TransferTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;
    private HsmKeyId Kek => _kek ??= _t.GenerateRsa(2048, HsmKeyUsage.Unwrap, "test-kek");
    private static HsmKeyId? _kek;

    private RsaPublicKey KekPublic => _t.GetRsaPublicKey(Kek);

    internal static byte[] Blob(RsaPublicKey kek, byte[] targetPlain, byte[]? aesKey = null, RSAEncryptionPadding? padding = null)
    {
        aesKey ??= RandomNumberGenerator.GetBytes(32);
        using var rsa = Outside.Rsa(kek);
        using var aes = Aes.Create();
        aes.Key = aesKey;
        return [.. rsa.Encrypt(aesKey, padding ?? RSAEncryptionPadding.OaepSHA1), .. aes.EncryptKeyWrapPadded(targetPlain)];
    }

    private HsmTransferImport Import(byte[] ct, HsmTransferTarget target, HsmCurve? curve = null, HsmKeyUsage usage = HsmKeyUsage.Sign | HsmKeyUsage.Verify,
        HsmHash hash = HsmHash.Sha1) => new(Kek, hash, ct, target, curve, usage, "test-byok");

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    public void Rsa_key_is_unwrapped_in_the_token_and_signs_like_the_original(int bits)
    {
        using var rsa = RSA.Create(bits);
        var before = _t.CountObjects();
        var k = _t.ImportTransfer(Import(Blob(KekPublic, rsa.ExportPkcs8PrivateKey()), HsmTransferTarget.Rsa,
            usage: HsmKeyUsage.Decrypt | HsmKeyUsage.Verify));
        Assert.Equal(bits, k.Bits);
        Assert.Equal(before + 2, _t.CountObjects()); // private and public, no ephemeral key left
        Assert.Equal(rsa.ExportParameters(false).Modulus, _t.GetRsaPublicKey(k.Id).Modulus);
        var a = _t.GetKeyAttributes(k.Id);
        Assert.True(a.Token && a.Private && a.Sensitive);
        Assert.True(a.Extractable && a.WrapWithTrusted); // wrappable by the trusted backup key only
        var ct = rsa.Encrypt("byok"u8.ToArray(), RSAEncryptionPadding.OaepSHA1);
        Assert.Equal("byok"u8.ToArray(), _t.DecryptRsa(k.Id, RsaPadding.OaepSha1, ct));
        // Signing was on only for the consistency check: the key was asked for decrypt and verify.
        Assert.Throws<HsmException>(() => _t.SignRsaPkcs1(k.Id, HsmHash.Sha256, new byte[32]));
        _t.DestroyKey(k.Id);
    }

    [Theory]
    [InlineData(HsmCurve.P256, HsmHash.Sha256)]
    [InlineData(HsmCurve.P384, HsmHash.Sha384)]
    [InlineData(HsmCurve.P521, HsmHash.Sha512)]
    [InlineData(HsmCurve.Secp256k1, HsmHash.Sha256)]
    public void Ec_key_gets_its_public_point_from_the_token_and_signs(HsmCurve curve, HsmHash hash)
    {
        if (curve == HsmCurve.Secp256k1 && !_t.Capabilities.Secp256k1) return;
        using var ec = ECDsa.Create(Outside.Curve(curve));
        var k = _t.ImportTransfer(Import(Blob(KekPublic, ec.ExportPkcs8PrivateKey()), HsmTransferTarget.Ec, curve));
        var q = ec.ExportParameters(false).Q;
        var pub = _t.GetEcPublicKey(k.Id);
        Assert.Equal(q.X, pub.X);
        Assert.Equal(q.Y, pub.Y);
        var digest = Outside.Digest(hash, "byok ec"u8.ToArray());
        Assert.True(ec.VerifyHash(digest, _t.SignEcdsa(k.Id, digest)));
        _t.DestroyKey(k.Id);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(32)]
    public void Aes_key_is_unwrapped_and_encrypts_like_the_original(int bytes)
    {
        var raw = RandomNumberGenerator.GetBytes(bytes);
        var k = _t.ImportTransfer(Import(Blob(KekPublic, raw), HsmTransferTarget.Aes, usage: HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt));
        Assert.Equal(bytes * 8, k.Bits);
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = raw;
        Assert.Equal(aes.EncryptCbc("byok aes"u8, iv), _t.EncryptAesCbcPad(k.Id, iv, "byok aes"u8.ToArray()));
        var attributes = _t.GetKeyAttributes(k.Id);
        Assert.True(attributes.Extractable && attributes.WrapWithTrusted); // wrappable by the trusted backup key only
        _t.DestroyKey(k.Id);
    }

    [Fact]
    public void Aes_key_asked_for_decrypt_only_cannot_encrypt_after_its_check()
    {
        var k = _t.ImportTransfer(Import(Blob(KekPublic, RandomNumberGenerator.GetBytes(32)), HsmTransferTarget.Aes, usage: HsmKeyUsage.Decrypt));
        Assert.Throws<HsmException>(() => _t.EncryptAesCbcPad(k.Id, new byte[16], new byte[16]));
        _t.DestroyKey(k.Id);
    }

    public static TheoryData<string> Refusals => ["tampered-kwp", "tampered-oaep", "truncated", "rsa-as-ec", "ec-wrong-curve", "ec-as-rsa",
        "aes-20-bytes", "aes-10-bytes", "other-kek", "garbage-pkcs8"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Bad_blobs_are_invalid_input_and_leave_nothing_behind(string kind)
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rsaBlob = Blob(KekPublic, rsa.ExportPkcs8PrivateKey());
        var ecBlob = Blob(KekPublic, ec.ExportPkcs8PrivateKey());
        using var other = RSA.Create(2048);
        var otherPub = other.ExportParameters(false);
        var import = kind switch
        {
            "tampered-kwp" => Import(Outside.Flip(rsaBlob, rsaBlob.Length - 3), HsmTransferTarget.Rsa),
            "tampered-oaep" => Import(Outside.Flip(rsaBlob, 17), HsmTransferTarget.Rsa),
            "truncated" => Import(rsaBlob[..(256 + 8)], HsmTransferTarget.Rsa),
            "rsa-as-ec" => Import(rsaBlob, HsmTransferTarget.Ec, HsmCurve.P256),
            "ec-wrong-curve" => Import(ecBlob, HsmTransferTarget.Ec, HsmCurve.P384),
            "ec-as-rsa" => Import(ecBlob, HsmTransferTarget.Rsa),
            "aes-20-bytes" => Import(Blob(KekPublic, RandomNumberGenerator.GetBytes(20)), HsmTransferTarget.Aes, usage: HsmKeyUsage.Encrypt),
            "aes-10-bytes" => Import(Blob(KekPublic, RandomNumberGenerator.GetBytes(10)), HsmTransferTarget.Aes, usage: HsmKeyUsage.Encrypt),
            "other-kek" => Import(Blob(new RsaPublicKey(otherPub.Modulus!, otherPub.Exponent!), rsa.ExportPkcs8PrivateKey()), HsmTransferTarget.Rsa),
            _ => Import(Blob(KekPublic, RandomNumberGenerator.GetBytes(300)), HsmTransferTarget.Rsa),
        };
        var before = _t.CountObjects();
        var e = Assert.Throws<HsmException>(() => _t.ImportTransfer(import));
        Assert.Equal(HsmErrorKind.InvalidInput, e.Kind);
        Assert.DoesNotContain("CKR_", e.Message);
        Assert.Equal(before, _t.CountObjects());
    }

    [Fact]
    public void Oaep_sha256_is_refused_where_the_token_cannot_do_it_inside()
    {
        using var rsa = RSA.Create(2048);
        var blob = Blob(KekPublic, rsa.ExportPkcs8PrivateKey(), padding: RSAEncryptionPadding.OaepSHA256);
        if (_t.Capabilities.RsaOaepSha256Native)
        {
            var k = _t.ImportTransfer(Import(blob, HsmTransferTarget.Rsa, hash: HsmHash.Sha256));
            _t.DestroyKey(k.Id);
            return;
        }
        var before = _t.CountObjects();
        var e = Assert.Throws<HsmException>(() => _t.ImportTransfer(Import(blob, HsmTransferTarget.Rsa, hash: HsmHash.Sha256)));
        Assert.Equal(HsmErrorKind.Unsupported, e.Kind);
        Assert.Equal(before, _t.CountObjects());
    }

    [Fact]
    public void A_key_wrapped_on_another_token_arrives_without_leaving_either()
    {
        var label = hsm.CustomerLabel;
        {
            // The customer's key, made in their HSM as an extractable token object (BYOK needs wrap-based export).
            SoftHsmFixture.Run("pkcs11-tool", "--module", hsm.LibraryPath, "--token-label", label, "--login", "--pin", hsm.Pin,
                "--keypairgen", "--key-type", "rsa:2048", "--label", "customer-signing", "--id", "c0ffee", "--usage-sign", "--sensitive", "--extractable");
            using var customer = HsmToken.Open(hsm.Options(label: label));
            var src = new HsmKeyId("c0ffee");
            using var rsa = Outside.Rsa(customer.GetRsaPublicKey(src));
            var before = customer.CountObjects();
            var (ct, kind, info) = customer.WrapForTransfer(KekPublic, HsmHash.Sha1, "customer-signing");
            Assert.Equal(before, customer.CountObjects());
            Assert.Equal((HsmTransferTarget.Rsa, 2048, src), (kind, info.Bits, info.Id));
            var k = _t.ImportTransfer(Import(ct, HsmTransferTarget.Rsa));
            var digest = SHA256.HashData("from the customer's HSM"u8);
            Assert.True(rsa.VerifyHash(digest, _t.SignRsaPkcs1(k.Id, HsmHash.Sha256, digest), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            _t.DestroyKey(k.Id);
        }
    }
}
