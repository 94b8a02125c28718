using System.Security.Cryptography;

namespace HsmVault.Hsm.Tests;

[Collection("softhsm")]
public class AesTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;

    [Fact]
    public void Gcm_round_trip_and_tamper_detection()
    {
        var iv = RandomNumberGenerator.GetBytes(12);
        var aad = "header"u8.ToArray();
        var plain = RandomNumberGenerator.GetBytes(100);
        var sealedData = _t.EncryptAesGcm(hsm.Aes, iv, plain, aad);
        Assert.Equal(100, sealedData.Ciphertext.Length);
        Assert.Equal(16, sealedData.Tag.Length);
        Assert.Equal(plain, _t.DecryptAesGcm(hsm.Aes, iv, sealedData.Ciphertext, sealedData.Tag, aad));

        AssertInvalid(() => _t.DecryptAesGcm(hsm.Aes, iv, sealedData.Ciphertext, Outside.Flip(sealedData.Tag, 0), aad));
        AssertInvalid(() => _t.DecryptAesGcm(hsm.Aes, iv, Outside.Flip(sealedData.Ciphertext, 7), sealedData.Tag, aad));
        AssertInvalid(() => _t.DecryptAesGcm(hsm.Aes, iv, sealedData.Ciphertext, sealedData.Tag, "other"u8.ToArray()));
        AssertInvalid(() => _t.DecryptAesGcm(hsm.Aes, iv, sealedData.Ciphertext, sealedData.Tag, null));
        AssertInvalid(() => _t.DecryptAesGcm(hsm.Aes, iv, sealedData.Ciphertext, sealedData.Tag[..12], aad));
    }

    [Fact]
    public void Gcm_interoperates_with_dotnet_AesGcm_on_an_imported_key()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var id = _t.ImportAes(key, HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "gcm-import");
        var iv = RandomNumberGenerator.GetBytes(12);
        var aad = RandomNumberGenerator.GetBytes(20);
        var plain = RandomNumberGenerator.GetBytes(77);
        using var gcm = new AesGcm(key, 16);

        var ct = new byte[plain.Length];
        var tag = new byte[16];
        gcm.Encrypt(iv, plain, ct, tag, aad);
        Assert.Equal(plain, _t.DecryptAesGcm(id, iv, ct, tag, aad));

        var fromHsm = _t.EncryptAesGcm(id, iv, plain, null);
        var back = new byte[plain.Length];
        gcm.Decrypt(iv, fromHsm.Ciphertext, fromHsm.Tag, back);
        Assert.Equal(plain, back);
        _t.DestroyKey(id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(33)]
    public void CbcPad_matches_dotnet_Aes(int length)
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var id = _t.ImportAes(key, HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "cbc-import");
        using var aes = Aes.Create();
        aes.Key = key;
        var iv = RandomNumberGenerator.GetBytes(16);
        var plain = RandomNumberGenerator.GetBytes(length);

        var ct = _t.EncryptAesCbcPad(id, iv, plain);
        Assert.Equal(aes.EncryptCbc(plain, iv, PaddingMode.PKCS7), ct);
        Assert.Equal(plain, _t.DecryptAesCbcPad(id, iv, ct));
        AssertInvalid(() => _t.DecryptAesCbcPad(id, iv, ct[..^1]));
        _t.DestroyKey(id);
    }

    [Fact]
    public void CbcPad_bad_padding_is_invalid_input()
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var id = _t.ImportAes(key, HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "cbc-bad");
        using var aes = Aes.Create();
        aes.Key = key;
        var iv = new byte[16];
        var block = Enumerable.Repeat((byte)0x11, 16).ToArray(); // last byte 0x11 > 16: never valid PKCS#7
        var ct = aes.EncryptCbc(block, iv, PaddingMode.None);
        AssertInvalid(() => _t.DecryptAesCbcPad(id, iv, ct));
        _t.DestroyKey(id);
    }

    // RFC 3394 section 4 test vectors.
    [Theory]
    [InlineData("000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")]
    [InlineData("000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF", "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D")]
    [InlineData("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF", "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7")]
    [InlineData("000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF0001020304050607", "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2")]
    [InlineData("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF0001020304050607", "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1")]
    [InlineData("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F", "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21")]
    public void AesKw_matches_rfc3394_vectors(string kek, string data, string wrapped)
    {
        var id = _t.ImportAes(Convert.FromHexString(kek), HsmKeyUsage.Wrap | HsmKeyUsage.Unwrap, "kek");
        Assert.Equal(wrapped, Convert.ToHexString(_t.WrapAesKw(id, Convert.FromHexString(data))));
        Assert.Equal(data, Convert.ToHexString(_t.UnwrapAesKw(id, Convert.FromHexString(wrapped))));
        AssertInvalid(() => _t.UnwrapAesKw(id, Outside.Flip(Convert.FromHexString(wrapped), 9)));
        _t.DestroyKey(id);
    }

    [Fact]
    public void AesKw_matches_a_managed_rfc3394_for_random_keys()
    {
        var kek = RandomNumberGenerator.GetBytes(32);
        var id = _t.ImportAes(kek, HsmKeyUsage.Wrap | HsmKeyUsage.Unwrap, "kek-random");
        foreach (var len in new[] { 16, 24, 32, 64 })
        {
            var data = RandomNumberGenerator.GetBytes(len);
            var wrapped = _t.WrapAesKw(id, data);
            Assert.Equal(ManagedKeyWrap(kek, data), wrapped);
            Assert.Equal(data, _t.UnwrapAesKw(id, wrapped));
        }
        AssertInvalid(() => _t.WrapAesKw(id, new byte[12]));
        _t.DestroyKey(id);
    }

    /// <summary>RFC 3394 2.2.1 written out with AES-ECB, as an independent reference.</summary>
    private static byte[] ManagedKeyWrap(byte[] kek, byte[] data)
    {
        using var aes = Aes.Create();
        aes.Key = kek;
        int n = data.Length / 8;
        var a = Convert.FromHexString("A6A6A6A6A6A6A6A6");
        var r = data.Chunk(8).Select(c => c.ToArray()).ToArray();
        var block = new byte[16];
        for (int j = 0; j <= 5; j++)
            for (int i = 0; i < n; i++)
            {
                a.CopyTo(block, 0);
                r[i].CopyTo(block, 8);
                var b = aes.EncryptEcb(block, PaddingMode.None);
                ulong t = (ulong)(n * j + i + 1);
                for (int k = 0; k < 8; k++) a[k] = (byte)(b[k] ^ (byte)(t >> (56 - 8 * k)));
                r[i] = b[8..];
            }
        return a.Concat(r.SelectMany(x => x)).ToArray();
    }

    private static void AssertInvalid(Action act) =>
        Assert.Equal(HsmErrorKind.InvalidInput, Assert.Throws<HsmException>(act).Kind);
}
