using HsmVault.Hsm;
using HsmVault.Keys;
using static HsmVault.Tests.Unit.KeyTypesTests;

namespace HsmVault.Tests.Unit;

public sealed class KeyAlgorithmsTests
{
    private static KeyEntity Rsa(int bits = 2048) => new() { Kty = "RSA", KeySize = bits };
    private static KeyEntity Ec(string crv) => new() { Kty = "EC-HSM", Curve = crv, KeySize = 256 };
    private static KeyEntity Oct(int bits) => new() { Kty = "oct-HSM", KeySize = bits };

    [Theory]
    [InlineData("RS256", HsmHash.Sha256, false, 32)]
    [InlineData("RS384", HsmHash.Sha384, false, 48)]
    [InlineData("RS512", HsmHash.Sha512, false, 64)]
    [InlineData("PS256", HsmHash.Sha256, true, 32)]
    [InlineData("PS384", HsmHash.Sha384, true, 48)]
    [InlineData("PS512", HsmHash.Sha512, true, 64)]
    public void Rsa_signature_algorithms(string name, HsmHash hash, bool pss, int digest)
    {
        var a = KeyAlgorithms.Signature(name, Rsa());
        Assert.Equal((name, KeyFamily.Rsa, hash, pss, (HsmCurve?)null, digest), (a.Name, a.Family, a.Hash, a.Pss, a.Curve, a.DigestLength));
        Assert.Equal(a, KeyAlgorithms.Signature(name, new KeyEntity { Kty = "RSA-HSM", KeySize = 4096 }));
    }

    [Theory]
    [InlineData("ES256", "P-256", HsmCurve.P256, HsmHash.Sha256, 32)]
    [InlineData("ES384", "P-384", HsmCurve.P384, HsmHash.Sha384, 48)]
    [InlineData("ES512", "P-521", HsmCurve.P521, HsmHash.Sha512, 64)]
    [InlineData("ES256K", "P-256K", HsmCurve.Secp256k1, HsmHash.Sha256, 32)]
    public void Ec_signature_algorithms_need_their_curve(string name, string crv, HsmCurve curve, HsmHash hash, int digest)
    {
        var a = KeyAlgorithms.Signature(name, Ec(crv));
        Assert.Equal((KeyFamily.Ec, hash, false, (HsmCurve?)curve, digest), (a.Family, a.Hash, a.Pss, a.Curve, a.DigestLength));
        foreach (var other in new[] { "P-256", "P-384", "P-521", "P-256K" }.Where(c => c != crv))
            AssertBadParameter(() => KeyAlgorithms.Signature(name, Ec(other)));
        AssertBadParameter(() => KeyAlgorithms.Signature(name, Rsa()));
    }

    [Theory]
    [InlineData("RS256", "EC")]
    [InlineData("PS256", "oct")]
    [InlineData("ES256", "RSA")]
    [InlineData("RS256", "oct-HSM")]
    public void Signature_family_mismatch_is_BadParameter(string alg, string kty) =>
        AssertBadParameter(() => KeyAlgorithms.Signature(alg, new KeyEntity { Kty = kty, Curve = kty.StartsWith("EC") ? "P-256" : null, KeySize = 256 }));

    [Theory]
    [InlineData(null)]
    [InlineData("HS256")]
    [InlineData("rs256")]
    [InlineData("RSA-OAEP")]
    [InlineData("none")]
    public void Unknown_signature_algorithm_is_BadParameter(string? alg) => AssertBadParameter(() => KeyAlgorithms.Signature(alg, Rsa()));

    [Theory]
    [InlineData("RSA1_5", RsaPadding.Pkcs1)]
    [InlineData("RSA-OAEP", RsaPadding.OaepSha1)]
    [InlineData("RSA-OAEP-256", RsaPadding.OaepSha256)]
    public void Rsa_cipher_algorithms_work_for_encrypt_and_wrap(string name, RsaPadding padding)
    {
        foreach (var wrap in new[] { false, true })
        {
            var a = KeyAlgorithms.Cipher(name, Rsa(3072), wrap);
            Assert.Equal((name, KeyFamily.Rsa, CipherMode.Rsa, padding, 0), (a.Name, a.Family, a.Mode, a.Padding, a.AesBits));
        }
        AssertBadParameter(() => KeyAlgorithms.Cipher(name, Oct(256), wrap: false));
        AssertBadParameter(() => KeyAlgorithms.Cipher(name, Ec("P-256"), wrap: false));
    }

    [Theory]
    [InlineData("A128GCM", CipherMode.AesGcm, 128, false)]
    [InlineData("A192GCM", CipherMode.AesGcm, 192, false)]
    [InlineData("A256GCM", CipherMode.AesGcm, 256, false)]
    [InlineData("A128CBCPAD", CipherMode.AesCbcPad, 128, false)]
    [InlineData("A192CBCPAD", CipherMode.AesCbcPad, 192, false)]
    [InlineData("A256CBCPAD", CipherMode.AesCbcPad, 256, false)]
    [InlineData("A128KW", CipherMode.AesKeyWrap, 128, true)]
    [InlineData("A192KW", CipherMode.AesKeyWrap, 192, true)]
    [InlineData("A256KW", CipherMode.AesKeyWrap, 256, true)]
    public void Aes_algorithms_need_their_key_size_and_operation(string name, CipherMode mode, int bits, bool wrap)
    {
        var a = KeyAlgorithms.Cipher(name, Oct(bits), wrap);
        Assert.Equal((name, KeyFamily.Oct, mode, bits), (a.Name, a.Family, a.Mode, a.AesBits));
        foreach (var other in new[] { 128, 192, 256 }.Where(b => b != bits))
            AssertBadParameter(() => KeyAlgorithms.Cipher(name, Oct(other), wrap));
        AssertBadParameter(() => KeyAlgorithms.Cipher(name, Oct(bits), !wrap)); // KW is wrap-only, GCM/CBC encrypt-only
        AssertBadParameter(() => KeyAlgorithms.Cipher(name, Rsa(), wrap));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("RS256")]
    [InlineData("A256CBC")]
    [InlineData("rsa-oaep")]
    public void Unknown_cipher_algorithm_is_BadParameter(string? alg)
    {
        AssertBadParameter(() => KeyAlgorithms.Cipher(alg, Rsa(), wrap: false));
        AssertBadParameter(() => KeyAlgorithms.Cipher(alg, Rsa(), wrap: true));
    }
}
