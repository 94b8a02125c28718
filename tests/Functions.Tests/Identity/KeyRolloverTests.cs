using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmVault.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Tests.Identity;

/// <summary>Metadata refresh on an unknown kid, against an in-memory issuer whose JWKS changes.</summary>
public sealed class KeyRolloverTests
{
    private const string Authority = "https://idp.test";
    private const string Tenant = "11111111-1111-4111-8111-111111111111";

    private sealed class FakeIssuer : HttpMessageHandler
    {
        public List<RsaSecurityKey> PublishedKeys { get; } = [];
        public int JwksRequests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body;
            var path = request.RequestUri!.AbsolutePath;
            if (path == $"/{Tenant}/v2.0/.well-known/openid-configuration")
                body = new JsonObject { ["issuer"] = $"{Authority}/{Tenant}/v2.0", ["jwks_uri"] = $"{Authority}/{Tenant}/discovery/v2.0/keys" }.ToJsonString();
            else if (path == $"/{Tenant}/discovery/v2.0/keys")
            {
                Interlocked.Increment(ref JwksRequests);
                var keys = new JsonArray();
                foreach (var k in PublishedKeys)
                {
                    var p = k.Rsa.ExportParameters(false);
                    keys.Add(new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = k.KeyId, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) });
                }
                body = new JsonObject { ["keys"] = keys }.ToJsonString();
            }
            else
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    private static string Sign(RsaSecurityKey key)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = $"{Authority}/{Tenant}/v2.0", ["aud"] = AuthOptions.DefaultAudience, ["tid"] = Tenant,
            ["oid"] = "aaaaaaaa-0000-4000-8000-000000000001", ["nbf"] = now, ["exp"] = now + 600,
        };
        return new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(claims), new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
    }

    [Fact]
    public async Task New_key_is_picked_up_after_one_refresh()
    {
        using var rsaA = RSA.Create(2048);
        using var rsaB = RSA.Create(2048);
        var keyA = new RsaSecurityKey(rsaA) { KeyId = "key-a" };
        var keyB = new RsaSecurityKey(rsaB) { KeyId = "key-b" };
        var issuer = new FakeIssuer();
        issuer.PublishedKeys.Add(keyA);
        using var http = new HttpClient(issuer);
        using var validator = new BearerTokenValidator(new AuthOptions { Authority = Authority, TenantId = Tenant }, http);

        var first = await validator.ValidateAsync("Bearer " + Sign(keyA), CancellationToken.None);
        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(1, issuer.JwksRequests);

        // The issuer rolls over to key B; the first token signed with B triggers one refresh and is accepted.
        issuer.PublishedKeys.Add(keyB);
        var rolled = await validator.ValidateAsync("Bearer " + Sign(keyB), CancellationToken.None);
        Assert.True(rolled.Succeeded, rolled.Error);
        Assert.Equal(2, issuer.JwksRequests);

        // Cached: validating again fetches nothing.
        Assert.True((await validator.ValidateAsync("Bearer " + Sign(keyA), CancellationToken.None)).Succeeded);
        Assert.Equal(2, issuer.JwksRequests);
    }
}
