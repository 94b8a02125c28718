using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmVault.Hsm;

namespace HsmVault.Cli.Byok;

/// <summary>The .byok file of Key Vault's BYOK specification, and the software wrap for a key that sits in a file.</summary>
internal static class TransferBlob
{
    public static readonly IReadOnlyDictionary<string, HsmHash> Encodings = new Dictionary<string, HsmHash>
    {
        ["CKM_RSA_AES_KEY_WRAP"] = HsmHash.Sha1,
        ["RSA_AES_KEY_WRAP_256"] = HsmHash.Sha256,
        ["RSA_AES_KEY_WRAP_384"] = HsmHash.Sha384,
    };

    public static string Json(string kid, string enc, byte[] ciphertext) => new JsonObject
    {
        ["schema_version"] = "1.0.0",
        ["header"] = new JsonObject { ["kid"] = kid, ["alg"] = "dir", ["enc"] = enc },
        ["ciphertext"] = Base64Url.Encode(ciphertext),
        ["generator"] = "HsmVault.Cli byok 1.0",
    }.ToJsonString();

    /// <summary>RSA-OAEP(KEK, fresh AES-256 key) || AES-KWP(AES key, target), for a target already in this process's memory.</summary>
    public static byte[] WrapInSoftware(KeyExchangeKey kek, string enc, byte[] target)
    {
        var aesKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var rsa = RSA.Create(new RSAParameters { Modulus = kek.Modulus, Exponent = kek.Exponent });
            var padding = Encodings[enc] switch
            {
                HsmHash.Sha256 => RSAEncryptionPadding.OaepSHA256,
                HsmHash.Sha384 => RSAEncryptionPadding.OaepSHA384,
                _ => RSAEncryptionPadding.OaepSHA1,
            };
            using var aes = Aes.Create();
            aes.Key = aesKey;
            return [.. rsa.Encrypt(aesKey, padding), .. aes.EncryptKeyWrapPadded(target)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aesKey);
        }
    }
}
