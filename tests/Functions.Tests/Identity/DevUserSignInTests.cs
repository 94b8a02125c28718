using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using F = HsmVault.Tests.Identity.DevIdentityServerFixture;

namespace HsmVault.Tests.Identity;

/// <summary>
/// A user sign-in at the development identity provider the way MSAL (OIDC protocol mode) makes it: authorize with
/// response_mode=fragment and a nonce, redeem the code with the PKCE verifier, then renew with the refresh token.
/// </summary>
[Collection(DevIdentityServerCollection.Name)]
public sealed class DevUserSignInTests(DevIdentityServerFixture server) : IDisposable
{
    private const string PortalClient = "hsmvault-portal";
    private const string MsalScope = F.VaultScope + " openid profile offline_access";
    private readonly HttpClient _noRedirects = NoRedirects(server);
    private readonly string _verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(40));

    private static HttpClient NoRedirects(DevIdentityServerFixture server)
    {
        var client = server.CreateTrustingClient(followRedirects: false);
        client.BaseAddress = new Uri(server.Authority + "/");
        return client;
    }

    public void Dispose() => _noRedirects.Dispose();

    private string RedirectUri => $"{server.Authority}/portal/";

    private Dictionary<string, string> AuthorizeRequest(string nonce, string responseMode = "fragment") => new()
    {
        ["client_id"] = PortalClient,
        ["response_type"] = "code",
        ["redirect_uri"] = RedirectUri,
        ["scope"] = MsalScope,
        ["state"] = "eyJpZCI6InN0YXRlIn0",
        ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(_verifier))),
        ["code_challenge_method"] = "S256",
        ["nonce"] = nonce,
        ["response_mode"] = responseMode,
        ["client-request-id"] = Guid.NewGuid().ToString(),
    };

    /// <summary>Shows the sign-in page (GET), then posts its form back with the principal's secret; returns the redirect.</summary>
    private async Task<Uri> SignInAsync(Dictionary<string, string> request)
    {
        using var page = await _noRedirects.GetAsync($"{F.TenantId}/oauth2/v2.0/authorize?{await new FormUrlEncodedContent(request).ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"name=\"nonce\" value=\"{request["nonce"]}\"", html);
        Assert.Contains($"name=\"response_mode\" value=\"{request["response_mode"]}\"", html);

        var form = new Dictionary<string, string>(request) { ["principal"] = F.AdminClientId, ["secret"] = F.AdminSecret };
        form.Remove("client-request-id"); // the page carries only the fields it knows
        using var signedIn = await _noRedirects.PostAsync($"{F.TenantId}/oauth2/v2.0/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.Location!;
    }

    private static Dictionary<string, string> ResponseParameters(string part) =>
        part.TrimStart('#', '?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> TokenAsync(Dictionary<string, string> form, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{F.TenantId}/oauth2/v2.0/token?client-request-id=x") { Content = new FormUrlEncodedContent(form) };
        if (origin is not null) request.Headers.Add("Origin", origin);
        var response = await server.Client.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone(), response);
    }

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RedeemAsync(string code, string? origin = null) => TokenAsync(new()
    {
        ["client_id"] = PortalClient,
        ["redirect_uri"] = RedirectUri,
        ["scope"] = MsalScope,
        ["code"] = code,
        ["code_verifier"] = _verifier,
        ["grant_type"] = "authorization_code",
        ["client_info"] = "1",
    }, origin);

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RefreshAsync(string refreshToken, string client = PortalClient) => TokenAsync(new()
    {
        ["client_id"] = client,
        ["redirect_uri"] = RedirectUri,
        ["scope"] = MsalScope,
        ["refresh_token"] = refreshToken,
        ["grant_type"] = "refresh_token",
        ["client_info"] = "1",
    });

    private async Task<JsonElement> SignedInTokensAsync(string nonce)
    {
        var code = ResponseParameters((await SignInAsync(AuthorizeRequest(nonce))).Fragment)["code"];
        var (status, body, response) = await RedeemAsync(code);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    [Fact]
    public async Task Response_mode_fragment_puts_the_code_and_state_in_the_fragment_only()
    {
        var location = await SignInAsync(AuthorizeRequest("n-fragment"));

        Assert.Equal(RedirectUri, location.GetLeftPart(UriPartial.Path));
        Assert.Equal("", location.Query);
        var response = ResponseParameters(location.Fragment);
        Assert.Equal("eyJpZCI6InN0YXRlIn0", response["state"]);
        Assert.True(response["code"].Length >= 43);
    }

    [Fact]
    public async Task The_id_token_is_signed_like_access_tokens_for_the_client_with_the_nonce()
    {
        var body = await SignedInTokensAsync("n-4f1c2a");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(body.GetProperty("id_token").GetString(), new TokenValidationParameters
        {
            ValidIssuer = server.Issuer,
            ValidAudience = PortalClient,
            IssuerSigningKey = new JsonWebKey(JsonSerializer.Serialize(server.Provider.GetJsonWebKeySet()["keys"]![0])),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var id = (JsonWebToken)result.SecurityToken;
        Assert.Equal("n-4f1c2a", id.GetClaim("nonce").Value);
        Assert.Equal(F.AdminObjectId, id.GetClaim("oid").Value);
        Assert.Equal(F.AdminObjectId, id.Subject);
        Assert.Equal(F.TenantId, id.GetClaim("tid").Value);
        Assert.Equal(F.AdminClientId, id.GetClaim("preferred_username").Value);
        Assert.False(id.TryGetClaim("roles", out _), "the ID token says who signed in, not what they may do");

        var access = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal([HsmVault.Identity.AuthOptions.DefaultAudience], access.Audiences);
        Assert.False(access.TryGetClaim("nonce", out _));
        Assert.Equal("user", access.GetClaim("idtyp").Value);
        Assert.Equal(MsalScope, body.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Client_info_names_the_user_and_tenant_as_Entra_does()
    {
        var body = await SignedInTokensAsync("n-ci");

        using var info = JsonDocument.Parse(Base64UrlEncoder.Decode(body.GetProperty("client_info").GetString()));
        Assert.Equal(F.AdminObjectId, info.RootElement.GetProperty("uid").GetString());
        Assert.Equal(F.TenantId, info.RootElement.GetProperty("utid").GetString());
    }

    [Fact]
    public async Task Without_openid_or_offline_access_there_is_no_id_token_or_refresh_token()
    {
        var request = AuthorizeRequest("n-plain", responseMode: "query");
        request["scope"] = F.VaultScope;
        var location = await SignInAsync(request);
        Assert.Equal("", location.Fragment);
        var (status, body, response) = await RedeemAsync(ResponseParameters(location.Query)["code"]);
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.TryGetProperty("access_token", out _));
        Assert.False(body.TryGetProperty("id_token", out _));
        Assert.False(body.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task A_refresh_token_renews_once_and_is_replaced()
    {
        var first = (await SignedInTokensAsync("n-rt")).GetProperty("refresh_token").GetString()!;

        var (status, renewed, r1) = await RefreshAsync(first);
        r1.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        var access = new JsonWebToken(renewed.GetProperty("access_token").GetString());
        Assert.Equal(F.AdminObjectId, access.GetClaim("oid").Value);
        Assert.Equal(PortalClient, access.GetClaim("azp").Value);
        Assert.False(new JsonWebToken(renewed.GetProperty("id_token").GetString()).TryGetClaim("nonce", out _), "no nonce outside a sign-in");
        var second = renewed.GetProperty("refresh_token").GetString();
        Assert.NotEqual(first, second);

        var (again, error, r2) = await RefreshAsync(first);
        r2.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("another-client")]
    [InlineData("")]
    public async Task A_refresh_token_of_another_client_or_none_is_invalid_grant(string client)
    {
        var token = client == "" ? "" : (await SignedInTokensAsync("n-other")).GetProperty("refresh_token").GetString()!;
        var (status, body, response) = await RefreshAsync(token, client == "" ? PortalClient : client);
        response.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refresh_for_a_resource_not_served_here_is_invalid_scope()
    {
        var token = (await SignedInTokensAsync("n-scope")).GetProperty("refresh_token").GetString()!;
        var (status, body, response) = await TokenAsync(new()
        {
            ["client_id"] = PortalClient,
            ["refresh_token"] = token,
            ["grant_type"] = "refresh_token",
            ["scope"] = "https://vault.azure.net/.default openid",
        });
        response.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_token_endpoint_answers_the_portals_origin_cross_origin_and_no_other()
    {
        var code = ResponseParameters((await SignInAsync(AuthorizeRequest("n-cors"))).Fragment)["code"];
        var (status, _, portal) = await RedeemAsync(code, origin: server.Authority);
        using (portal)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(server.Authority, string.Join(",", portal.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.Equal("no-store", portal.Headers.CacheControl?.ToString());
        }

        var (refused, _, evil) = await RedeemAsync("not-a-code", origin: "https://evil.example");
        using (evil)
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused);
            Assert.False(evil.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Theory]
    [InlineData("form_post")]
    [InlineData("web_message")]
    public async Task Other_response_modes_are_refused_on_the_page_never_redirected(string mode)
    {
        using var page = await _noRedirects.GetAsync(
            $"{F.TenantId}/oauth2/v2.0/authorize?{await new FormUrlEncodedContent(AuthorizeRequest("n", mode)).ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Null(page.Headers.Location);
        Assert.Contains("response_mode must be query or fragment", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Discovery_names_what_msal_reads()
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync($"{F.TenantId}/v2.0/.well-known/openid-configuration"));
        var c = doc.RootElement;
        Assert.Equal($"{server.Authority}/{F.TenantId}/oauth2/v2.0/authorize", c.GetProperty("authorization_endpoint").GetString());
        Assert.Contains("refresh_token", c.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("fragment", c.GetProperty("response_modes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["openid", "profile", "offline_access"], c.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.False(c.TryGetProperty("end_session_endpoint", out _), "no session to end: MSAL's sign-out only clears its cache");
    }
}
