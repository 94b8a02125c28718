using System.Security.Cryptography;
using System.Text.Json;
using HsmVault.Hsm;

namespace HsmVault.Benchmarks;

/// <summary>The same operations through the adapter (HsmToken): session pool, handle cache, mechanism objects per call.</summary>
public static class AdapterBench
{
    public static List<Result> Run(Options o)
    {
        using var hsm = HsmToken.Open(new HsmOptions { LibraryPath = o.Lib, TokenLabel = o.Label, UserPin = o.Pin, MaxIdleSessions = 16 });
        var keys = File.Exists(o.Keys) ? JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(o.Keys))! : CreateKeys(hsm, o.Keys);
        HsmKeyId rsa = new(keys.Rsa), ec = new(keys.Ec), aes = new(keys.Aes);
        var ct1 = Convert.FromBase64String(keys.CtOaepSha1);
        var ct256 = Convert.FromBase64String(keys.CtOaepSha256);
        var secretIv = Runner.IvSource(-1)();
        var secretValue = hsm.EncryptAesGcm(aes, secretIv, RandomNumberGenerator.GetBytes(64), null);
        var results = new List<Result>();
        foreach (var threads in o.Threads)
            foreach (var op in o.Ops)
            {
                Func<int, Action> f = op switch
                {
                    "rs256-sign" => _ => () => hsm.SignRsaPkcs1(rsa, HsmHash.Sha256, Runner.Digest32),
                    "rsa-oaep-decrypt" => _ => () => hsm.DecryptRsa(rsa, RsaPadding.OaepSha1, ct1),
                    "rsa-oaep256-decrypt" => _ => () => hsm.DecryptRsa(rsa, RsaPadding.OaepSha256, ct256),
                    "es256-sign" => _ => () => hsm.SignEcdsa(ec, Runner.Digest32),
                    "a256gcm-encrypt-1k" => t => { var iv = Runner.IvSource(t); return () => hsm.EncryptAesGcm(aes, iv(), Runner.Plain1K, null); },
                    "a256gcm-decrypt-64" => _ => () => hsm.DecryptAesGcm(aes, secretIv, secretValue.Ciphertext, secretValue.Tag, null),
                    _ => throw new ArgumentException($"unknown op {op}"),
                };
                var note = op == "rsa-oaep256-decrypt" && !hsm.Capabilities.RsaOaepSha256Native ? "composed: CKM_RSA_X_509 + OAEP-SHA256 decode in .NET" : null;
                var r = Runner.Measure("adapter", op, threads, o.Seconds, f, note);
                Console.Error.WriteLine($"adapter {op,-22} threads={threads} {r.ops_per_s,10:F1}/s p50={r.p50_ms:F3}ms p99={r.p99_ms:F3}ms");
                results.Add(r);
            }
        return results;
    }

    private static KeyFile CreateKeys(HsmToken hsm, string path)
    {
        var all = HsmKeyUsage.Sign | HsmKeyUsage.Verify | HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt;
        var rsa = hsm.GenerateRsa(2048, all, "bench/rsa2048");
        var ec = hsm.GenerateEc(HsmCurve.P256, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "bench/p256");
        var aes = hsm.GenerateAes(256, HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt, "bench/aes256");
        var pub = hsm.GetRsaPublicKey(rsa);
        using var r = RSA.Create(new RSAParameters { Modulus = pub.Modulus, Exponent = pub.Exponent });
        var msg = RandomNumberGenerator.GetBytes(32);
        var keys = new KeyFile(rsa.Value, ec.Value, aes.Value,
            Convert.ToBase64String(r.Encrypt(msg, RSAEncryptionPadding.OaepSHA1)),
            Convert.ToBase64String(r.Encrypt(msg, RSAEncryptionPadding.OaepSHA256)));
        File.WriteAllText(path, JsonSerializer.Serialize(keys));
        return keys;
    }
}
