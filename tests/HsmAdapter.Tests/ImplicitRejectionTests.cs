using System.Numerics;
using System.Security.Cryptography;

namespace HsmVault.Hsm.Tests;

/// <summary>RSA1_5 decryption never tells valid from invalid padding (issue #13, finding 4: Bleichenbacher oracle).</summary>
[Collection("softhsm")]
public class ImplicitRejectionTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;

    [Fact]
    public void Valid_ciphertexts_decrypt_to_their_message_at_every_length()
    {
        using var rsa = Outside.Rsa(_t.GetRsaPublicKey(hsm.Rsa));
        int k = rsa.KeySize / 8;
        foreach (var len in new[] { 0, 1, 16, 100, k - 11 })
        {
            var plain = RandomNumberGenerator.GetBytes(len);
            Assert.Equal(plain, _t.DecryptRsa(hsm.Rsa, RsaPadding.Pkcs1, rsa.Encrypt(plain, RSAEncryptionPadding.Pkcs1)));
        }
    }

    [Fact]
    public void Invalid_padding_gives_a_deterministic_synthetic_message_not_an_error()
    {
        var pub = _t.GetRsaPublicKey(hsm.Rsa);
        int k = pub.Modulus.Length;
        var blocks = new List<byte[]>
        {
            Block(k, 0x00, 0x01, separatorAt: 20),        // signature-type block
            Block(k, 0x00, 0x02, separatorAt: null),      // no zero separator
            Block(k, 0x00, 0x02, separatorAt: 9),         // padding string of 7 bytes
            Block(k, 0x01, 0x02, separatorAt: 20),        // first byte not zero
        };
        var outputs = new List<byte[]>();
        foreach (var em in blocks)
        {
            var ct = RawEncrypt(pub, em);
            var first = _t.DecryptRsa(hsm.Rsa, RsaPadding.Pkcs1, ct);
            Assert.Equal(first, _t.DecryptRsa(hsm.Rsa, RsaPadding.Pkcs1, ct));
            Assert.InRange(first.Length, 0, k - 11);
            // The synthetic length is drawn from [0, k - 11]: an empty message (about 1 in 250) is as valid as any other.
            if (first.Length > 0) Assert.NotEqual(em[^first.Length..], first);
            outputs.Add(first);
        }
        Assert.Equal(outputs.Count, outputs.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void Synthetic_messages_differ_between_keys_and_the_secret_goes_with_the_key()
    {
        using var rsa = RSA.Create(2048);
        var id = _t.ImportRsa(Outside.Material(rsa.ExportParameters(true)), HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "rejection-test");
        var em = Block(256, 0x00, 0x02, separatorAt: null);
        var ct = RawEncrypt(_t.GetRsaPublicKey(id), em);
        var a = _t.DecryptRsa(id, RsaPadding.Pkcs1, ct);
        Assert.Equal(a, _t.DecryptRsa(id, RsaPadding.Pkcs1, ct));
        var other = RawEncrypt(_t.GetRsaPublicKey(hsm.Rsa), Block(_t.GetRsaPublicKey(hsm.Rsa).Modulus.Length, 0x00, 0x02, separatorAt: null));
        Assert.NotEqual(a, _t.DecryptRsa(hsm.Rsa, RsaPadding.Pkcs1, other));
        _t.DestroyKey(id);
        Assert.Equal(HsmErrorKind.NotFound, Assert.Throws<HsmException>(() => _t.DecryptRsa(id, RsaPadding.Pkcs1, ct)).Kind);
    }

    private static byte[] Block(int k, byte b0, byte b1, int? separatorAt)
    {
        var em = new byte[k];
        for (int i = 0; i < k; i++) em[i] = (byte)(1 + RandomNumberGenerator.GetInt32(255));
        em[0] = b0; em[1] = b1;
        if (separatorAt is int s) em[s] = 0;
        return em;
    }

    private static byte[] RawEncrypt(RsaPublicKey pub, byte[] em)
    {
        var n = new BigInteger(pub.Modulus, isUnsigned: true, isBigEndian: true);
        var m = new BigInteger(em, isUnsigned: true, isBigEndian: true);
        Assert.True(m < n);
        var c = BigInteger.ModPow(m, new BigInteger(pub.Exponent, isUnsigned: true, isBigEndian: true), n).ToByteArray(isUnsigned: true, isBigEndian: true);
        var ct = new byte[pub.Modulus.Length];
        c.CopyTo(ct, ct.Length - c.Length);
        return ct;
    }
}
