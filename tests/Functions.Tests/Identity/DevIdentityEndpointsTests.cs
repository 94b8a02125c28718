using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using F = HsmVault.Tests.Identity.DevIdentityServerFixture;

namespace HsmVault.Tests.Identity;

[Collection(DevIdentityServerCollection.Name)]
public sealed class DevIdentityEndpointsTests(DevIdentityServerFixture server)
{
    private static Dictionary<string, string> Form(string clientId = F.AdminClientId, string secret = F.AdminSecret,
        string grant = "client_credentials", string scope = F.VaultScope) => new()
        {
            ["grant_type"] = grant,
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        };

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Raw)> ReadAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(raw);
        return (response.StatusCode, json.RootElement.Clone(), raw);
    }

    [Fact]
    public async Task Openid_configuration_points_at_this_issuer()
    {
        var (status, body, _) = await ReadAsync(server.Client.GetAsync($"{F.TenantId}/v2.0/.well-known/openid-configuration"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{server.Authority}/{F.TenantId}/v2.0", body.GetProperty("issuer").GetString());
        Assert.Equal($"{server.Authority}/{F.TenantId}/discovery/v2.0/keys", body.GetProperty("jwks_uri").GetString());
        Assert.Equal($"{server.Authority}/{F.TenantId}/oauth2/v2.0/token", body.GetProperty("token_endpoint").GetString());
    }

    [Fact]
    public async Task Jwks_publishes_only_the_public_signing_key()
    {
        var (status, body, raw) = await ReadAsync(server.Client.GetAsync($"{F.TenantId}/discovery/v2.0/keys"));

        Assert.Equal(HttpStatusCode.OK, status);
        var key = Assert.Single(body.GetProperty("keys").EnumerateArray().ToArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal(server.Provider.SigningKey.KeyId, key.GetProperty("kid").GetString());
        Assert.Equal(256, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()!).Length);
        foreach (var privatePart in new[] { "\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"" })
            Assert.DoesNotContain(privatePart, raw);
    }

    [Fact]
    public async Task Unknown_tenant_metadata_is_refused()
    {
        var (status, body, _) = await ReadAsync(server.Client.GetAsync("33333333-3333-4333-8333-333333333333/v2.0/.well-known/openid-configuration"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_endpoint_issues_an_rs256_token_with_entra_claims()
    {
        var (status, body, _) = await ReadAsync(server.PostTokenRequestAsync(F.TenantId, Form()));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3599, body.GetProperty("expires_in").GetInt32());
        var jwt = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal(server.Provider.SigningKey.KeyId, jwt.Kid);
        Assert.Equal(server.Issuer, jwt.Issuer);
        Assert.Equal([HsmVault.Identity.AuthOptions.DefaultAudience], jwt.Audiences);
        Assert.Equal(F.TenantId, jwt.GetClaim("tid").Value);
        Assert.Equal(F.AdminObjectId, jwt.GetClaim("oid").Value);
        Assert.Equal(F.AdminObjectId, jwt.Subject);
        Assert.Equal(F.AdminClientId, jwt.GetClaim("appid").Value);
        Assert.Equal(F.AdminClientId, jwt.GetClaim("azp").Value);
        Assert.Equal("2.0", jwt.GetClaim("ver").Value);
        Assert.Equal(["Vault.Admin", "Vault.Reader"], jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal(TimeSpan.FromHours(1), jwt.ValidTo - jwt.ValidFrom);
        Assert.InRange(jwt.IssuedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Client_secret_basic_is_accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{F.TenantId}/oauth2/v2.0/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = F.VaultScope }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{F.AdminClientId}:{F.AdminSecret}")));

        var (status, body, _) = await ReadAsync(server.Client.SendAsync(request));

        Assert.Equal(HttpStatusCode.OK, status);
        var outcome = await server.Validator.ValidateAsync("Bearer " + body.GetProperty("access_token").GetString(), CancellationToken.None);
        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public async Task Wrong_secret_is_401_invalid_client_and_the_secret_is_not_echoed()
    {
        var (status, body, raw) = await ReadAsync(server.PostTokenRequestAsync(F.TenantId, Form(secret: "wrong-secret-value")));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
        Assert.DoesNotContain("wrong-secret-value", raw);
        Assert.DoesNotContain(F.AdminSecret, raw);
        Assert.DoesNotContain(server.LogMessages, m => m.Contains("wrong-secret-value") || m.Contains(F.AdminSecret));
    }

    [Theory]
    [InlineData("nobody", "whatever")]
    [InlineData(F.AdminClientId, "")]
    [InlineData(F.AdminClientId, F.AdminSecret + "x")]
    [InlineData(F.AdminClientId, "dev-secret-vault-admiN")]
    public async Task Unknown_client_or_bad_secret_is_401(string clientId, string secret)
    {
        var (status, body, _) = await ReadAsync(server.PostTokenRequestAsync(F.TenantId, Form(clientId, secret)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("password")]
    [InlineData("")]
    public async Task Other_grants_are_400_unsupported_grant_type(string grant)
    {
        var (status, body, _) = await ReadAsync(server.PostTokenRequestAsync(F.TenantId, Form(grant: grant)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unsupported_grant_type", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unknown_tenant_is_400_invalid_request()
    {
        var (status, body, _) = await ReadAsync(server.PostTokenRequestAsync("33333333-3333-4333-8333-333333333333", Form()));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Client_of_another_tenant_is_400_invalid_request()
    {
        var (status, body, _) = await ReadAsync(server.PostTokenRequestAsync(F.TenantId, Form(F.ForeignClientId, F.ForeignSecret)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://localhost")]
    [InlineData("/.default")]
    [InlineData("https://localhost/.default https://storage.azure.com/.default")]
    [InlineData("https://vault.azure.net/.default")]
    public async Task Bad_scope_is_400_invalid_scope(string scope)
    {
        var (status, body, _) = await ReadAsync(server.PostTokenRequestAsync(F.TenantId, Form(scope: scope)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_for_a_resource_that_is_not_the_vaults_audience_is_refused_naming_the_right_scope()
    {
        var (status, body, _) = await ReadAsync(server.PostTokenRequestAsync(F.TenantId, Form(scope: "https://vault.azure.net/.default")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
        Assert.Contains($"ask for '{F.VaultScope}'", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Non_form_body_is_400_invalid_request()
    {
        using var content = new StringContent("""{"grant_type":"client_credentials"}""", Encoding.UTF8, "application/json");
        var (status, body, _) = await ReadAsync(server.Client.PostAsync($"{F.TenantId}/oauth2/v2.0/token", content));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }
}
