using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmVault.Identity;
using Microsoft.IdentityModel.Tokens;
using F = HsmVault.Tests.Identity.DevIdentityServerFixture;

namespace HsmVault.Tests.Identity;

[Collection(DevIdentityServerCollection.Name)]
public sealed class BearerTokenValidatorTests(DevIdentityServerFixture server)
{
    private BearerTokenValidator Validator => server.Validator;

    private Task<TokenValidationOutcome> ValidateAsync(string token) =>
        Validator.ValidateAsync("Bearer " + token, CancellationToken.None);

    private static void AssertRejected(TokenValidationOutcome outcome, string expectedError, string? token = null)
    {
        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.Caller);
        Assert.Equal(expectedError, outcome.Error);
        Assert.False(outcome.MetadataUnavailable);
        if (token is not null)
        {
            foreach (var part in token.Split('.').Where(p => p.Length >= 8))
                Assert.DoesNotContain(part, outcome.Error);
        }
    }

    [Fact]
    public async Task Token_from_the_token_endpoint_is_accepted_and_mapped()
    {
        var token = await server.RequestTokenAsync();

        var outcome = await ValidateAsync(token);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Null(outcome.Error);
        Assert.Equal(F.AdminObjectId, outcome.Caller.ObjectId);
        Assert.Equal(F.TenantId, outcome.Caller.TenantId);
        Assert.Equal(F.AdminClientId, outcome.Caller.AppId);
        Assert.Equal(["Vault.Admin", "Vault.Reader"], outcome.Caller.Roles);
        Assert.Empty(outcome.Caller.Groups);
    }

    [Fact]
    public async Task Scheme_is_case_insensitive_and_groups_and_v1_appid_are_mapped()
    {
        var claims = server.GoodClaims();
        claims.Remove("azp");
        claims["appid"] = "v1-app";
        claims["groups"] = new[] { "g1", "g2" };
        var token = server.Sign(claims);

        var outcome = await Validator.ValidateAsync("bearer  " + token, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("v1-app", outcome.Caller.AppId);
        Assert.Equal(["g1", "g2"], outcome.Caller.Groups);
        Assert.Empty(outcome.Caller.Roles);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    public async Task Missing_token_is_rejected(string? header)
    {
        var outcome = await Validator.ValidateAsync(header, CancellationToken.None);
        Assert.False(outcome.Succeeded);
        Assert.NotNull(outcome.Error);
        Assert.Contains(outcome.Error, new[] { "missing bearer token", "authorization scheme must be Bearer" });
    }

    [Theory]
    [InlineData("Basic dmF1bHQtYWRtaW46c2VjcmV0")]
    [InlineData("Negotiate abc")]
    [InlineData("Bearerx abc.def.ghi")]
    public async Task Other_schemes_are_rejected(string header)
    {
        var outcome = await Validator.ValidateAsync(header, CancellationToken.None);
        AssertRejected(outcome, "authorization scheme must be Bearer");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("abc.def")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJ!.eyJ.sig")]
    public async Task Garbage_is_rejected_as_malformed(string token)
    {
        AssertRejected(await ValidateAsync(token), "malformed token");
    }

    [Fact]
    public async Task Well_formed_parts_that_are_not_json_are_rejected()
    {
        var outcome = await ValidateAsync("aGVsbG8.d29ybGQ.c2ln");
        AssertRejected(outcome, "malformed token");
    }

    [Fact]
    public async Task Unsigned_token_with_alg_none_is_rejected()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(server.GoodClaims()));
        var token = $"{header}.{payload}.";

        AssertRejected(await ValidateAsync(token), "signing algorithm not allowed", token);
    }

    [Fact]
    public async Task Hs256_signed_with_the_public_key_as_hmac_secret_is_rejected()
    {
        var hmacKey = new SymmetricSecurityKey(server.Provider.SigningKey.ExportPublicKey()) { KeyId = server.Provider.SigningKey.KeyId };
        var token = server.Sign(server.GoodClaims(), new SigningCredentials(hmacKey, SecurityAlgorithms.HmacSha256));

        AssertRejected(await ValidateAsync(token), "signing algorithm not allowed", token);
    }

    [Fact]
    public async Task Unknown_kid_is_rejected()
    {
        var key = new RsaSecurityKey(server.Provider.SigningKey.SecurityKey.Rsa) { KeyId = "not-a-published-kid" };
        var token = server.Sign(server.GoodClaims(), new SigningCredentials(key, SecurityAlgorithms.RsaSha256));

        AssertRejected(await ValidateAsync(token), "signing key not found", token);
    }

    [Fact]
    public async Task Different_rsa_key_with_the_published_kid_is_rejected()
    {
        using var rsa = RSA.Create(2048);
        var impostor = new RsaSecurityKey(rsa) { KeyId = server.Provider.SigningKey.KeyId };
        var token = server.Sign(server.GoodClaims(), new SigningCredentials(impostor, SecurityAlgorithms.RsaSha256));

        AssertRejected(await ValidateAsync(token), "invalid signature", token);
    }

    [Fact]
    public async Task Tampered_payload_is_rejected()
    {
        var token = await server.RequestTokenAsync();
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["oid"] = "eeeeeeee-0000-4000-8000-00000000000e";
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";

        AssertRejected(await ValidateAsync(tampered), "invalid signature", tampered);
    }

    [Fact]
    public async Task Expired_token_is_rejected_beyond_clock_skew()
    {
        var claims = server.GoodClaims(DateTimeOffset.UtcNow.AddHours(-2));
        claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds();
        var token = server.Sign(claims);

        AssertRejected(await ValidateAsync(token), "token expired", token);
    }

    [Fact]
    public async Task Token_expired_within_clock_skew_is_accepted()
    {
        var claims = server.GoodClaims(DateTimeOffset.UtcNow.AddHours(-1));
        claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds();

        var outcome = await ValidateAsync(server.Sign(claims));

        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public async Task Not_yet_valid_token_is_rejected()
    {
        var claims = server.GoodClaims(DateTimeOffset.UtcNow.AddMinutes(30));
        var token = server.Sign(claims);

        AssertRejected(await ValidateAsync(token), "token not yet valid", token);
    }

    [Fact]
    public async Task Token_without_exp_is_rejected()
    {
        var claims = server.GoodClaims();
        claims.Remove("exp");

        AssertRejected(await ValidateAsync(server.Sign(claims)), "token has no expiry");
    }

    [Theory]
    [InlineData("https://evil.example/11111111-1111-4111-8111-111111111111/v2.0")]
    [InlineData("https://sts.windows.net/11111111-1111-4111-8111-111111111111/")] // Entra v1 form: not issued by the dev IdP
    public async Task Wrong_issuer_is_rejected(string issuer)
    {
        var claims = server.GoodClaims();
        claims["iss"] = issuer;
        var token = server.Sign(claims);

        AssertRejected(await ValidateAsync(token), "invalid issuer", token);
    }

    [Fact]
    public async Task Token_issued_for_another_tenant_by_the_token_endpoint_is_rejected()
    {
        var token = await server.RequestTokenAsync(F.ForeignClientId, F.ForeignSecret, tenant: F.OtherTenantId);

        var outcome = await ValidateAsync(token);

        Assert.False(outcome.Succeeded);
        Assert.Equal("invalid issuer", outcome.Error);
    }

    [Fact]
    public async Task Wrong_audience_is_rejected()
    {
        var claims = server.GoodClaims();
        claims["aud"] = "https://storage.azure.com";
        var token = server.Sign(claims);

        AssertRejected(await ValidateAsync(token), "invalid audience", token);
    }

    [Fact]
    public async Task Azure_key_vault_audience_is_refused_by_default()
    {
        // Issue 13, finding 5: a token for the caller's real Azure Key Vaults must not open this vault.
        var claims = server.GoodClaims();
        claims["aud"] = "https://vault.azure.net";
        var token = server.Sign(claims);

        AssertRejected(await ValidateAsync(token), "invalid audience", token);
    }

    [Fact]
    public async Task Every_configured_audience_is_accepted_and_the_first_is_named_in_the_challenge()
    {
        using var http = server.CreateTrustingClient();
        using var validator = new BearerTokenValidator(new AuthOptions
        {
            Authority = server.Authority, TenantId = F.TenantId,
            Audiences = ["api://hsmvault-test", "https://vault.azure.net", "0d5c9a52-6d1a-4f43-9b0e-6f8a1c2d3e4f"],
        }, http);

        Assert.Equal($"Bearer authorization=\"{server.Authority}/{F.TenantId}\", resource=\"api://hsmvault-test\"", validator.ChallengeHeaderValue);
        foreach (var aud in new[] { "api://hsmvault-test", "api://hsmvault-test/", "https://vault.azure.net", "0d5c9a52-6d1a-4f43-9b0e-6f8a1c2d3e4f" })
        {
            var claims = server.GoodClaims();
            claims["aud"] = aud;
            var outcome = await validator.ValidateAsync("Bearer " + server.Sign(claims), CancellationToken.None);
            Assert.True(outcome.Succeeded, $"{aud}: {outcome.Error}");
        }
        var other = server.GoodClaims();
        other["aud"] = AuthOptions.DefaultAudience;
        Assert.Equal("invalid audience", (await validator.ValidateAsync("Bearer " + server.Sign(other), CancellationToken.None)).Error);
    }

    [Fact]
    public async Task Audience_with_trailing_slash_is_accepted()
    {
        var token = await server.RequestTokenAsync(scope: AuthOptions.DefaultAudience + "//.default");

        var outcome = await ValidateAsync(token);

        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public async Task Wrong_tid_with_the_right_issuer_is_rejected()
    {
        var claims = server.GoodClaims();
        claims["tid"] = F.OtherTenantId;
        var token = server.Sign(claims);

        AssertRejected(await ValidateAsync(token), "token is for another tenant", token);
    }

    [Fact]
    public async Task Missing_tid_is_rejected()
    {
        var claims = server.GoodClaims();
        claims.Remove("tid");

        AssertRejected(await ValidateAsync(server.Sign(claims)), "token is for another tenant");
    }

    [Fact]
    public async Task Missing_oid_is_rejected_even_with_sub()
    {
        var claims = server.GoodClaims();
        claims.Remove("oid");
        var token = server.Sign(claims);

        AssertRejected(await ValidateAsync(token), "token has no oid claim", token);
    }

    [Fact]
    public async Task Oversize_token_is_rejected_before_parsing()
    {
        var claims = server.GoodClaims();
        claims["padding"] = new string('x', 17000);
        var token = server.Sign(claims);
        Assert.True(token.Length > 16384);

        AssertRejected(await ValidateAsync(token), "token too large", token);

        var junk = new string('A', 20000);
        AssertRejected(await ValidateAsync(junk), "token too large");
    }

    [Fact]
    public void Challenge_header_names_authority_tenant_and_resource()
    {
        Assert.Equal(
            $"Bearer authorization=\"{server.Authority}/{F.TenantId}\", resource=\"{AuthOptions.DefaultAudience}\"",
            Validator.ChallengeHeaderValue);
    }

    [Fact]
    public void Challenge_header_for_entra_drops_trailing_slash_of_authority()
    {
        using var validator = new BearerTokenValidator(new AuthOptions
        {
            Authority = "https://login.microsoftonline.com/",
            TenantId = F.TenantId,
        });
        Assert.Equal(
            $"Bearer authorization=\"https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111\", resource=\"{AuthOptions.DefaultAudience}\"",
            validator.ChallengeHeaderValue);
        Assert.Equal("https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0/.well-known/openid-configuration", validator.MetadataAddress);
    }

    [Fact]
    public async Task Entra_mode_accepts_both_issuer_forms_for_the_tenant()
    {
        // Not the dev IdP's registration: the validator treats the authority like Entra and also accepts the v1 issuer.
        using var http = server.CreateTrustingClient();
        using var validator = new BearerTokenValidator(new AuthOptions { Authority = server.Authority, TenantId = F.TenantId }, http);

        foreach (var issuer in new[] { $"https://sts.windows.net/{F.TenantId}/", server.Issuer })
        {
            var claims = server.GoodClaims();
            claims["iss"] = issuer;
            var outcome = await validator.ValidateAsync("Bearer " + server.Sign(claims), CancellationToken.None);
            Assert.True(outcome.Succeeded, $"{issuer}: {outcome.Error}");
        }

        var other = server.GoodClaims();
        other["iss"] = $"https://sts.windows.net/{F.OtherTenantId}/";
        var rejected = await validator.ValidateAsync("Bearer " + server.Sign(other), CancellationToken.None);
        AssertRejected(rejected, "invalid issuer");
    }

    [Fact]
    public async Task Unreachable_metadata_is_reported_as_unavailable()
    {
        using var validator = new BearerTokenValidator(new AuthOptions { Authority = "https://127.0.0.1:1", TenantId = F.TenantId });
        var token = server.Sign(server.GoodClaims());

        var outcome = await validator.ValidateAsync("Bearer " + token, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.MetadataUnavailable);
        Assert.Equal("identity provider metadata unavailable", outcome.Error);
    }

    [Fact]
    public async Task Metadata_served_by_untrusted_certificate_is_unavailable()
    {
        // A default HttpClient does not trust the self-signed certificate.
        using var validator = new BearerTokenValidator(new AuthOptions { Authority = server.Authority, TenantId = F.TenantId });

        var outcome = await validator.ValidateAsync("Bearer " + server.Sign(server.GoodClaims()), CancellationToken.None);

        Assert.True(outcome.MetadataUnavailable);
    }

    [Fact]
    public async Task Tokens_never_reach_the_logs()
    {
        var token = await server.RequestTokenAsync();
        await ValidateAsync(token);
        await ValidateAsync(token + "x");
        var signature = token.Split('.')[2];

        Assert.DoesNotContain(server.LogMessages, m => m.Contains(signature, StringComparison.Ordinal));
        Assert.DoesNotContain(server.LogMessages, m => m.Contains(F.AdminSecret, StringComparison.Ordinal));
    }
}
