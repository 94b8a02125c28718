using System.Text.Json;

namespace HsmVault.Tests.Http;

/// <summary>Attributes and key_ops changed with PATCH govern what the key may do next.</summary>
[Collection(HostCollection.Name)]
public sealed class KeyStateTests(HostFixture host)
{
    private static readonly object Sign = new { alg = "ES256", value = new string('A', 43) };
    private static readonly object EcKey = new { kty = "EC", crv = "P-256" };

    private async Task<VaultResponse> PatchAsync(string name, string? version, object body) =>
        await host.AdminAsync(HttpMethod.Patch, version is null ? $"keys/{name}" : $"keys/{name}/{version}", body);

    private async Task<VaultResponse> SignAsync(string name, string version) =>
        await host.AdminAsync(HttpMethod.Post, $"keys/{name}/{version}/sign", Sign);

    [Fact]
    public async Task Disabled_key_refuses_sign_until_enabled_again()
    {
        var (name, version, _) = await host.CreateKeyAsync("disable", EcKey);
        (await SignAsync(name, version)).AssertStatus(200);

        var patched = await PatchAsync(name, null, new { attributes = new { enabled = false } });
        patched.AssertStatus(200);
        Assert.False(patched.Json.GetProperty("attributes").GetProperty("enabled").GetBoolean());
        (await SignAsync(name, version)).AssertError(403, "Forbidden", "KeyDisabled");

        (await PatchAsync(name, version, new { attributes = new { enabled = true } })).AssertStatus(200);
        (await SignAsync(name, version)).AssertStatus(200);
    }

    [Fact]
    public async Task Key_with_exp_in_the_past_refuses_sign()
    {
        var (name, version, _) = await host.CreateKeyAsync("expired", EcKey);
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var patched = await PatchAsync(name, version, new { attributes = new { exp = past } });
        patched.AssertStatus(200);
        Assert.Equal(past, patched.Json.GetProperty("attributes").GetProperty("exp").GetInt64());
        (await SignAsync(name, version)).AssertError(403, "Forbidden", "KeyExpired");
    }

    [Fact]
    public async Task Key_with_nbf_in_the_future_refuses_sign()
    {
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var (name, version, _) = await host.CreateKeyAsync("notyet", new { kty = "EC", crv = "P-256", attributes = new { nbf = future } });
        (await SignAsync(name, version)).AssertError(403, "Forbidden", "KeyNotYetValid");
    }

    [Fact]
    public async Task Narrowed_key_ops_refuse_sign_and_cannot_widen_beyond_creation()
    {
        var (name, version, _) = await host.CreateKeyAsync("narrow", new { kty = "EC", crv = "P-256", key_ops = new[] { "sign", "verify" } });

        var narrowed = await PatchAsync(name, null, new { key_ops = new[] { "verify" } });
        narrowed.AssertStatus(200);
        Assert.Equal(["verify"], narrowed.Json.GetProperty("key").GetProperty("key_ops").EnumerateArray().Select(e => e.GetString()));
        (await SignAsync(name, version)).AssertError(403, "Forbidden", "KeyOperationForbidden");

        // Back within the creation ops is allowed ...
        (await PatchAsync(name, version, new { key_ops = new[] { "sign", "verify" } })).AssertStatus(200);
        (await SignAsync(name, version)).AssertStatus(200);

        // ... beyond them is not, and nothing changes.
        var rsaOnly = await PatchAsync(name, version, new { key_ops = new[] { "sign", "verify", "import" } });
        rsaOnly.AssertError(400, "BadParameter");
        var got = await host.AdminAsync(HttpMethod.Get, $"keys/{name}/{version}");
        Assert.Equal(["sign", "verify"], got.Json.GetProperty("key").GetProperty("key_ops").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Rsa_key_ops_cannot_widen_beyond_creation()
    {
        var (name, version, _) = await host.CreateKeyAsync("widen", new { kty = "RSA", key_ops = new[] { "sign", "verify" } });
        var r = await PatchAsync(name, version, new { key_ops = new[] { "sign", "verify", "encrypt" } });
        Assert.Contains("encrypt", r.AssertError(400, "BadParameter").GetProperty("message").GetString());
        var encrypt = await host.AdminAsync(HttpMethod.Post, $"keys/{name}/{version}/encrypt", new { alg = "RSA-OAEP", value = "AAAA" });
        encrypt.AssertError(403, "Forbidden", "KeyOperationForbidden");
    }

    [Fact]
    public async Task Update_of_latest_version_is_seen_through_both_urls()
    {
        var (name, version, _) = await host.CreateKeyAsync("tags", EcKey);
        (await PatchAsync(name, null, new { tags = new Dictionary<string, string> { ["team"] = "crypto" } })).AssertStatus(200);
        foreach (var path in new[] { $"keys/{name}", $"keys/{name}/{version}" })
        {
            var got = await host.AdminAsync(HttpMethod.Get, path);
            got.AssertStatus(200);
            Assert.Equal("crypto", got.Json.GetProperty("tags").GetProperty("team").GetString());
        }
    }
}
