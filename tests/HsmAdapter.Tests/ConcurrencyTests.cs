using System.Security.Cryptography;

namespace HsmVault.Hsm.Tests;

[Collection("softhsm")]
public class ConcurrencyTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;

    [Fact]
    public void Parallel_signs_on_many_threads_all_verify()
    {
        var rsaId = hsm.Rsa;
        var ecId = hsm.Ec(HsmCurve.P256);
        using var rsa = Outside.Rsa(_t.GetRsaPublicKey(rsaId));
        using var ec = Outside.Ec(_t.GetEcPublicKey(ecId));
        var results = new System.Collections.Concurrent.ConcurrentBag<(bool Rsa, byte[] Digest, byte[] Sig)>();

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var digest = SHA256.HashData(BitConverter.GetBytes(i));
            bool useRsa = i % 2 == 0;
            var sig = useRsa ? _t.SignRsaPss(rsaId, HsmHash.Sha256, digest) : _t.SignEcdsa(ecId, digest);
            results.Add((useRsa, digest, sig));
        });

        Assert.Equal(400, results.Count);
        foreach (var (isRsa, digest, sig) in results)
            Assert.True(isRsa
                ? rsa.VerifyHash(digest, sig, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
                : ec.VerifyHash(digest, sig));
    }

    [Fact]
    public void Parallel_mixed_operations_with_key_churn()
    {
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var id = _t.GenerateAes(128, HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, $"churn-{i}");
            var iv = RandomNumberGenerator.GetBytes(12);
            var plain = RandomNumberGenerator.GetBytes(i);
            var c = _t.EncryptAesGcm(id, iv, plain, null);
            Assert.Equal(plain, _t.DecryptAesGcm(id, iv, c.Ciphertext, c.Tag, null));
            _t.DestroyKey(id);
            Assert.Equal(HsmErrorKind.NotFound, Assert.Throws<HsmException>(() => _t.EncryptAesGcm(id, iv, plain, null)).Kind);
        });
    }
}
