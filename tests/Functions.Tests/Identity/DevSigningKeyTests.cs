using System.Security.Cryptography;
using System.Text;
using HsmVault.Identity;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Tests.Identity;

public sealed class DevSigningKeyTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hsmvault-devkey-" + Guid.NewGuid().ToString("N"), "nested");

    public void Dispose()
    {
        var root = Path.GetDirectoryName(_directory)!;
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Key_is_created_once_as_private_pkcs8_pem_and_reloaded()
    {
        string kid;
        using (var first = DevSigningKey.LoadOrCreate(_directory))
        {
            kid = first.KeyId;
            Assert.Equal(2048, first.SecurityKey.Rsa.KeySize);
        }

        var path = Path.Combine(_directory, DevSigningKey.FileName);
        var pem = File.ReadAllText(path);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_directory)); // no temp files left behind

        using var second = DevSigningKey.LoadOrCreate(_directory);
        Assert.Equal(kid, second.KeyId);
        Assert.Equal(pem, File.ReadAllText(path));
    }

    [Fact]
    public void Key_id_is_the_rfc7638_sha256_thumbprint()
    {
        using var key = DevSigningKey.LoadOrCreate(_directory);
        var canonical = $"{{\"e\":\"{key.Exponent}\",\"kty\":\"RSA\",\"n\":\"{key.Modulus}\"}}";
        Assert.Equal(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), key.KeyId);

        // Cross-check with Microsoft.IdentityModel's own thumbprint of the public JWK.
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.SecurityKey.Rsa.ExportParameters(false)));
        Assert.Equal(Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()), key.KeyId);
    }

    [Fact]
    public void Concurrent_creation_yields_one_key()
    {
        var keys = Enumerable.Range(0, 8).AsParallel().Select(_ => DevSigningKey.LoadOrCreate(_directory)).ToArray();
        try
        {
            Assert.Single(keys.Select(k => k.KeyId).Distinct());
            Assert.Single(Directory.GetFiles(_directory));
        }
        finally
        {
            foreach (var k in keys) k.Dispose();
        }
    }
}
