using System.Net;

namespace HsmVault.Tests.Http;

/// <summary>Whatever a caller sends, the answer is a 4xx with a Key Vault error body, never a 5xx.</summary>
[Collection(HostCollection.Name)]
public sealed class BadInputTests(HostFixture host)
{
    private static readonly string Digest32 = new('A', 43); // 32 zero bytes, base64url

    private async Task<VaultResponse> SignAsync(string rawBody)
    {
        var (name, version, _) = await host.CreateKeyAsync("bad-input");
        return await host.SendAsync(HttpMethod.Post, $"keys/{name}/{version}/sign", token: await host.AdminTokenAsync(), rawBody: rawBody);
    }

    private static void AssertClientError(VaultResponse r, int? status = null)
    {
        Assert.True((int)r.Status is >= 400 and < 500, $"expected 4xx, got {(int)r.Status}: {r.Text}");
        if (status is { } s) r.AssertStatus(s);
        r.AssertKeyVaultErrorBody();
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"alg\": 5, \"value\": \"AAAA\"}")]
    [InlineData("{\"alg\": \"RS256\", \"value\": \"***not base64***\"}")]
    [InlineData("{\"alg\": \"RS256\"}")]
    [InlineData("{\"alg\": \"XX999\", \"value\": \"" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + "\"}")]
    [InlineData("{\"alg\": \"ES256\", \"value\": \"" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + "\"}")]
    [InlineData("{\"alg\": \"RS256\", \"value\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAA\"}")] // 20 bytes, RS256 wants 32
    [InlineData("{\"alg\": \"RS384\", \"value\": \"" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + "\"}")] // 32 bytes, RS384 wants 48
    public async Task Bad_sign_requests_are_400_BadParameter(string body)
    {
        var r = await SignAsync(body);
        r.AssertError(400, "BadParameter");
    }

    [Fact]
    public async Task Bad_base64url_error_names_the_field()
    {
        var r = await SignAsync("{\"alg\": \"RS256\", \"value\": \"%%%\"}");
        var error = r.AssertError(400, "BadParameter");
        Assert.Contains("'value'", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Wrong_digest_length_says_what_is_expected()
    {
        var r = await SignAsync("{\"alg\": \"RS256\", \"value\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAA\"}");
        Assert.Contains("32 bytes", r.AssertError(400, "BadParameter").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("bad_name")]
    [InlineData("bad.name")]
    [InlineData("bad%20name")]
    [InlineData("bad%0A")]        // a trailing newline must not pass the name check
    public async Task Invalid_key_names_are_400(string name)
    {
        var r = await host.AdminAsync(HttpMethod.Post, $"keys/{name}/create", new { kty = "RSA" });
        r.AssertError(400, "BadParameter");
    }

    [Fact]
    public async Task Name_of_128_characters_is_400()
    {
        var r = await host.AdminAsync(HttpMethod.Post, $"keys/{new string('n', 128)}/create", new { kty = "EC" });
        r.AssertError(400, "BadParameter");
    }

    public static TheoryData<string> BadCreateBodies => new()
    {
        """{"kty":"RSA","key_size":1024}""",
        """{"kty":"RSA","public_exponent":3}""",
        """{"kty":"EC","crv":"P-192"}""",
        """{"kty":"EC","key_ops":["encrypt"]}""",
        """{"kty":"OKP"}""",
        """{}""",
        """{"kty":"RSA","key_ops":["launch"]}""",
        """{"kty":"RSA","key_ops":[null]}""",
        """{"kty":"RSA","attributes":{"exp":-5}}""",
        """{"kty":"RSA","key_size":"big"}""",
    };

    [Theory]
    [MemberData(nameof(BadCreateBodies))]
    public async Task Bad_create_requests_are_400_BadParameter(string body)
    {
        var r = await host.SendAsync(HttpMethod.Post, $"keys/bad-create-{Guid.NewGuid():N}"[..30] + "/create", token: await host.AdminTokenAsync(), rawBody: body);
        r.AssertError(400, "BadParameter");
    }

    [Fact]
    public async Task One_MiB_body_is_refused_with_a_4xx()
    {
        // Exactly 1 MiB: over the vault's 256 KiB limit, within Kestrel's own 1 MiB cap (beyond that cap Kestrel may
        // reset the connection while the client is still sending, which HttpClient reports as a broken pipe).
        const string head = "{\"kty\":\"RSA\",\"tags\":{\"t\":\"", tail = "\"}}";
        var body = head + new string('x', (1 << 20) - head.Length - tail.Length) + tail;
        Assert.Equal(1 << 20, System.Text.Encoding.UTF8.GetByteCount(body));
        var r = await host.SendAsync(HttpMethod.Post, "keys/huge-body/create", token: await host.AdminTokenAsync(), rawBody: body);
        AssertClientError(r, 413);
        Assert.Equal("RequestEntityTooLarge", r.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unknown_key_is_404_KeyNotFound()
    {
        var token = await host.AdminTokenAsync();
        var name = "missing-" + Guid.NewGuid().ToString("N");
        (await host.SendAsync(HttpMethod.Get, $"keys/{name}", token: token)).AssertError(404, "KeyNotFound");
        (await host.SendAsync(HttpMethod.Get, $"keys/{name}/versions", token: token)).AssertError(404, "KeyNotFound");
        (await host.SendAsync(HttpMethod.Post, $"keys/{name}/{Guid.NewGuid():N}/sign", new { alg = "RS256", value = Digest32 }, token))
            .AssertError(404, "KeyNotFound");
        (await host.SendAsync(HttpMethod.Patch, $"keys/{name}", new { attributes = new { enabled = false } }, token)).AssertError(404, "KeyNotFound");
    }

    [Fact]
    public async Task Unknown_version_of_a_known_key_is_404_KeyNotFound()
    {
        var (name, _, _) = await host.CreateKeyAsync("known");
        var token = await host.AdminTokenAsync();
        (await host.SendAsync(HttpMethod.Get, $"keys/{name}/{Guid.NewGuid():N}", token: token)).AssertError(404, "KeyNotFound");
        (await host.SendAsync(HttpMethod.Get, $"keys/{name}/not-a-version", token: token)).AssertError(404, "KeyNotFound");
        (await host.SendAsync(HttpMethod.Post, $"keys/{name}/{Guid.NewGuid():N}/sign", new { alg = "RS256", value = Digest32 }, token))
            .AssertError(404, "KeyNotFound");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1.0")]
    [InlineData("7.7")]
    public async Task Missing_or_unknown_api_version_is_400_BadParameter(string? apiVersion)
    {
        var r = await host.SendAsync(HttpMethod.Get, "keys", token: await host.AdminTokenAsync(), apiVersion: apiVersion);
        r.AssertError(400, "BadParameter");
    }

    [Theory]
    [InlineData("2025-07-01")]
    [InlineData("7.0")]
    public async Task Supported_api_versions_are_served(string apiVersion)
    {
        var r = await host.SendAsync(HttpMethod.Get, "keys", token: await host.AdminTokenAsync(), apiVersion: apiVersion);
        r.AssertStatus(200);
    }

    [Theory]
    [InlineData("maxresults=26")]
    [InlineData("maxresults=0")]
    [InlineData("maxresults=1000000")]
    [InlineData("maxresults=ten")]
    [InlineData("$skiptoken=%25%25%25")]
    public async Task Bad_paging_parameters_are_400(string query)
    {
        var r = await host.SendAsync(HttpMethod.Get, "keys", token: await host.AdminTokenAsync(), query: query);
        r.AssertError(400, "BadParameter");
    }

    [Fact]
    public async Task Unknown_path_is_a_key_vault_404()
    {
        var r = await host.AdminAsync(HttpMethod.Get, "nothing/here");
        AssertClientError(r, (int)HttpStatusCode.NotFound);
    }
}
