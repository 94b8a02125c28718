using System.Buffers.Text;
using System.Security.Cryptography;

namespace HsmVault.Tests.Http;

/// <summary>
/// Requests the HSM itself refuses (real SoftHSM2 behind the host): each is a 400 BadParameter whose message names the
/// caller's mistake and never a PKCS#11 name.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class HsmErrorPathTests(HostFixture host)
{
    private static string B64(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static void AssertCallerError(VaultResponse r, string because)
    {
        var error = r.AssertError(400, "BadParameter");
        Assert.DoesNotContain("CKR_", r.Text);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), because);
    }

    private async Task<(string Name, string Version)> OctKeyAsync()
    {
        var (name, version, _) = await host.CreateKeyAsync("hsm-err-oct", new
        {
            kty = "oct-HSM", key_size = 256, key_ops = new[] { "encrypt", "decrypt", "wrapKey", "unwrapKey" },
        });
        return (name, version);
    }

    [Fact]
    public async Task Rsa_decrypt_of_garbage_and_of_the_wrong_length()
    {
        var (name, version, _) = await host.CreateKeyAsync("hsm-err-rsa");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"keys/{name}/{version}/decrypt", new { alg = "RSA-OAEP", value = B64(256) }),
            "garbage of the modulus length");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"keys/{name}/{version}/decrypt", new { alg = "RSA-OAEP", value = B64(10) }),
            "shorter than the modulus");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"keys/{name}/{version}/encrypt", new { alg = "RSA1_5", value = B64(300) }),
            "plaintext longer than the key allows");
    }

    [Fact]
    public async Task Aes_decrypts_and_unwraps_of_bad_input()
    {
        var (name, version) = await OctKeyAsync();
        var path = $"keys/{name}/{version}";
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"{path}/decrypt", new { alg = "A256GCM", value = B64(32), iv = B64(12), tag = B64(16) }),
            "GCM tag mismatch");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"{path}/decrypt", new { alg = "A256GCM", value = B64(32), iv = B64(12), tag = B64(5) }),
            "GCM tag of the wrong length");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"{path}/decrypt", new { alg = "A256CBCPAD", value = B64(32), iv = B64(16) }),
            "CBC padding wrong");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"{path}/decrypt", new { alg = "A256CBCPAD", value = B64(31), iv = B64(16) }),
            "CBC ciphertext not a multiple of the block");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"{path}/encrypt", new { alg = "A256CBCPAD", value = B64(16), iv = B64(8) }),
            "CBC IV of the wrong length");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"{path}/unwrapkey", new { alg = "A256KW", value = B64(40) }),
            "AES-KW integrity check fails");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"{path}/unwrapkey", new { alg = "A256KW", value = B64(20) }),
            "AES-KW input of the wrong length");
        AssertCallerError(await host.AdminAsync(HttpMethod.Post, $"{path}/wrapkey", new { alg = "A256KW", value = B64(10) }),
            "AES-KW key to wrap too short");
    }

    [Fact]
    public async Task Import_of_an_ec_key_that_is_not_on_its_curve()
    {
        var name = $"hsm-err-ec-{Guid.NewGuid():N}"[..24];
        var r = await host.AdminAsync(HttpMethod.Put, $"keys/{name}", new
        {
            key = new { kty = "EC", crv = "P-256", d = B64(32), x = B64(32), y = B64(32), key_ops = new[] { "sign" } },
        });
        AssertCallerError(r, "d, x and y do not belong together");
    }
}
