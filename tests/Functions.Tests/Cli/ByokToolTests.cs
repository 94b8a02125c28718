using System.Security.Cryptography;
using System.Text.Json;
using HsmVault.Tests.Http;

namespace HsmVault.Tests.Cli;

/// <summary>
/// The BYOK tool as a customer runs it: the KEK read from the vault (or a PEM file), the target key from a second SoftHSM2
/// token (wrapped inside that token) or from a key file, the .byok file imported, and the key then used in the vault and
/// checked against the customer's original.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class ByokToolTests(HostFixture host) : IDisposable
{
    private readonly CustomerHsm _customer = new();
    private readonly string _work = Directory.CreateTempSubdirectory("hsmvault-byok-tool-").FullName;
    private string Ca => TestEnvironment.Require("HSMVAULT_TEST_CA");
    private string Vault => host.BaseUri.ToString();

    [Fact]
    public async Task Help_lists_the_byok_commands()
    {
        var root = await CliProcess.RunAsync(null, "--help");
        Assert.Equal(0, root.ExitCode);
        Assert.Contains("byok", root.Stdout);
        var create = await CliProcess.RunAsync(null, "byok", "create", "--help");
        Assert.Equal(0, create.ExitCode);
        foreach (var option in new[] { "--kek-name", "--kek-pem", "--key-file", "--pkcs11-module", "--token-label", "--pin-env", "--key-label", "--out" })
            Assert.Contains(option, create.Stdout);
        Assert.Contains("--byok-file", (await CliProcess.RunAsync(null, "byok", "import", "--help")).Stdout);
    }

    [Theory]
    [InlineData("rsa:2048", "RSA-HSM")]
    [InlineData("EC:secp384r1", "EC-HSM")]
    public async Task A_key_from_the_customers_token_is_wrapped_inside_it_and_signs_in_the_vault(string keyType, string kty)
    {
        var kek = await CreateKekAsync();
        _customer.Tool("--keypairgen", "--key-type", keyType, "--label", "customer-signing", "--id", "0a0b", "--usage-sign", "--sensitive", "--extractable");
        var objects = _customer.ObjectCount();
        var env = _customer.Environment(await host.AdminTokenAsync());
        var byok = Path.Combine(_work, "signing.byok");

        var created = await CliProcess.RunAsync(env, "byok", "create", "--vault", Vault, "--ca-file", Ca, "--kek-name", kek.Name,
            "--pkcs11-module", CustomerHsm.Module, "--token-label", _customer.Label, "--pin-env", "CUSTOMER_PIN", "--key-label", "customer-signing", "--out", byok);
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Contains($"--kty {kty}", created.Stdout);
        Assert.Equal(objects, _customer.ObjectCount()); // the ephemeral AES key and the KEK's public key were session objects
        Assert.DoesNotContain(_customer.Pin, created.Stdout + created.Stderr);
        using (var blob = JsonDocument.Parse(File.ReadAllText(byok)))
        {
            Assert.Equal(kek.Kid, blob.RootElement.GetProperty("header").GetProperty("kid").GetString());
            Assert.Equal("CKM_RSA_AES_KEY_WRAP", blob.RootElement.GetProperty("header").GetProperty("enc").GetString());
        }

        var name = "tool-" + Guid.NewGuid().ToString("N")[..10];
        string[] import = ["byok", "import", "--vault", Vault, "--ca-file", Ca, "--name", name, "--byok-file", byok, "--kty", kty];
        if (kty == "EC-HSM") import = [.. import, "--crv", "P-384"];
        var imported = await CliProcess.RunAsync(env, import);
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Contains($"/keys/{name}/", imported.Stdout);

        // The customer's public key, read from their token, verifies what the vault signs with the imported key.
        var spki = Path.Combine(_work, "customer.pub.der");
        // opensc cannot export an EC public key as SPKI with OpenSSL 3 ("cannot create EVP_PKEY"): EC reads CKA_EC_POINT instead.
        if (kty == "RSA-HSM") _customer.Tool("--read-object", "--type", "pubkey", "--id", "0a0b", "--output-file", spki);
        var digest = SHA384.HashData("signed in the vault with the customer's key"u8);
        var alg = kty == "RSA-HSM" ? "RS384" : "ES384";
        var signed = await host.AdminAsync(HttpMethod.Post, $"keys/{name}/{Version(imported.Stdout)}/sign", new { alg, value = B64u(digest) });
        signed.AssertStatus(200);
        var signature = Convert.FromBase64String(Pad(signed.Json.GetProperty("value").GetString()!));
        if (kty == "RSA-HSM")
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(File.ReadAllBytes(spki), out _);
            Assert.True(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));
        }
        else
        {
            using var ec = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP384, Q = CustomerEcPoint("0a0b", 48) });
            Assert.True(ec.VerifyHash(digest, signature));
        }
    }

    [Fact]
    public async Task Key_files_pem_and_jwk_with_the_kek_given_as_pem_and_kid()
    {
        var kek = await CreateKekAsync();
        var kekPem = Path.Combine(_work, "kek.pem");
        using (var kekRsa = RSA.Create(new RSAParameters { Modulus = kek.N, Exponent = kek.E }))
            File.WriteAllText(kekPem, kekRsa.ExportSubjectPublicKeyInfoPem());
        var env = _customer.Environment(await host.AdminTokenAsync());

        using var rsa = RSA.Create(3072);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var aes = RandomNumberGenerator.GetBytes(32);
        var q = ec.ExportParameters(true);
        var files = new (string File, string Content, string Kty, string? Crv)[]
        {
            ("rsa.pem", rsa.ExportPkcs8PrivateKeyPem(), "RSA-HSM", null),
            ("ec.jwk", JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = B64u(q.Q.X!), y = B64u(q.Q.Y!), d = B64u(q.D!) }), "EC-HSM", "P-256"),
            ("aes.jwk", JsonSerializer.Serialize(new { kty = "oct", k = B64u(aes) }), "oct-HSM", null),
        };
        foreach (var (file, content, kty, crv) in files)
        {
            var keyFile = Path.Combine(_work, file);
            File.WriteAllText(keyFile, content);
            var byok = keyFile + ".byok";
            var created = await CliProcess.RunAsync(env, "byok", "create", "--kek-pem", kekPem, "--kek-id", kek.Kid, "--key-file", keyFile, "--out", byok);
            Assert.True(created.ExitCode == 0, created.Stderr);
            var name = "tool-file-" + Guid.NewGuid().ToString("N")[..8];
            string[] import = ["byok", "import", "--vault", Vault, "--ca-file", Ca, "--name", name, "--byok-file", byok, "--kty", kty];
            if (crv is not null) import = [.. import, "--crv", crv];
            var imported = await CliProcess.RunAsync(env, import);
            Assert.True(imported.ExitCode == 0, $"{file}: {imported.Stderr}");
            var bundle = await host.AdminAsync(HttpMethod.Get, $"keys/{name}");
            bundle.AssertStatus(200);
            if (kty == "RSA-HSM") Assert.Equal(B64u(rsa.ExportParameters(false).Modulus!), bundle.Json.GetProperty("key").GetProperty("n").GetString());
            if (kty == "EC-HSM") Assert.Equal(B64u(q.Q.X!), bundle.Json.GetProperty("key").GetProperty("x").GetString());
            if (kty == "oct-HSM")
            {
                var iv = RandomNumberGenerator.GetBytes(16);
                var enc = await host.AdminAsync(HttpMethod.Post, $"keys/{name}/{Version(imported.Stdout)}/encrypt", new { alg = "A256CBCPAD", value = B64u("file key"u8.ToArray()), iv = B64u(iv) });
                enc.AssertStatus(200);
                using var local = Aes.Create();
                local.Key = aes;
                Assert.Equal(local.EncryptCbc("file key"u8, iv), Convert.FromBase64String(Pad(enc.Json.GetProperty("value").GetString()!)));
            }
        }
    }

    [Fact]
    public async Task Mistakes_are_one_line_errors_and_the_pin_is_never_printed()
    {
        var kek = await CreateKekAsync();
        var env = _customer.Environment(await host.AdminTokenAsync());
        var byok = Path.Combine(_work, "x.byok");
        string[] fromToken(string label) => ["byok", "create", "--vault", Vault, "--ca-file", Ca, "--kek-name", kek.Name, "--pkcs11-module", CustomerHsm.Module,
            "--token-label", _customer.Label, "--pin-env", "CUSTOMER_PIN", "--key-label", label, "--out", byok];

        var missing = await CliProcess.RunAsync(env, fromToken("no-such-key"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No private or secret key labelled 'no-such-key'", missing.Stderr);

        var wrongPin = new Dictionary<string, string>(env) { ["CUSTOMER_PIN"] = "not-the-pin-0000" };
        var refused = await CliProcess.RunAsync(wrongPin, fromToken("whatever"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("PIN incorrect", refused.Stderr);
        Assert.DoesNotContain("not-the-pin-0000", refused.Stdout + refused.Stderr);

        var notKek = await host.CreateKeyAsync("not-a-kek");
        var wrongKey = await CliProcess.RunAsync(env, "byok", "create", "--vault", Vault, "--ca-file", Ca, "--kek-name", notKek.Name,
            "--key-file", "/dev/null", "--out", byok);
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("is not a key exchange key", wrongKey.Stderr);

        var noToken = await CliProcess.RunAsync(new Dictionary<string, string> { ["HSMVAULT_ACCESS_TOKEN"] = "" }, "byok", "import", "--vault", Vault,
            "--name", "x", "--byok-file", byok, "--kty", "RSA-HSM");
        Assert.Equal(1, noToken.ExitCode);
        Assert.Contains("HSMVAULT_ACCESS_TOKEN", noToken.Stderr);

        var usage = await CliProcess.RunAsync(env, "byok", "create", "--out", byok);
        Assert.NotEqual(0, usage.ExitCode);
        Assert.Contains("--kek-name", usage.Stderr + usage.Stdout);
    }

    private async Task<(string Name, string Kid, byte[] N, byte[] E)> CreateKekAsync()
    {
        var (name, _, bundle) = await host.CreateKeyAsync("tool-kek", new { kty = "RSA-HSM", key_size = 2048, key_ops = new[] { "import" } });
        var key = bundle.GetProperty("key");
        return (name, key.GetProperty("kid").GetString()!, Convert.FromBase64String(Pad(key.GetProperty("n").GetString()!)),
            Convert.FromBase64String(Pad(key.GetProperty("e").GetString()!)));
    }

    /// <summary>The EC public point of the customer's key with this CKA_ID, from pkcs11-tool's listing (DER OCTET STRING of 04‖X‖Y).</summary>
    private ECPoint CustomerEcPoint(string id, int fieldBytes)
    {
        var lines = _customer.Tool("--list-objects", "--type", "pubkey").Split('\n').Select(l => l.Trim()).ToList();
        var idLine = lines.FindIndex(l => l == $"ID:         {id}" || (l.StartsWith("ID:") && l[3..].Trim() == id));
        Assert.True(idLine > 0, "the customer's public key is not listed");
        var pointLine = lines.FindLastIndex(idLine, l => l.StartsWith("EC_POINT:"));
        var der = Convert.FromHexString(lines[pointLine]["EC_POINT:".Length..].Trim());
        var raw = der[^(1 + 2 * fieldBytes)..];
        Assert.Equal(0x04, raw[0]);
        return new ECPoint { X = raw[1..(1 + fieldBytes)], Y = raw[(1 + fieldBytes)..] };
    }

    private static string Version(string importOutput) => importOutput.Trim().Split('/')[^1];
    private static string B64u(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    private static string Pad(string s) => s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - s.Length % 4) % 4);

    public void Dispose()
    {
        _customer.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }
}
