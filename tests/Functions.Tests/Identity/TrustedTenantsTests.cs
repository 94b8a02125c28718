using HsmVault.Identity;
using F = HsmVault.Tests.Identity.DevIdentityServerFixture;

namespace HsmVault.Tests.Identity;

/// <summary>Tokens of a second tenant: accepted only when that tenant is trusted (owns a vault), v1 and v2 issuer forms.</summary>
[Collection(DevIdentityServerCollection.Name)]
public sealed class TrustedTenantsTests(DevIdentityServerFixture server)
{
    private sealed class Trusted(params string[] tenants) : ITrustedTenants
    {
        public bool IsTrusted(string tenantId) => tenants.Contains(tenantId, StringComparer.OrdinalIgnoreCase);
    }

    private Dictionary<string, object> OtherTenantClaims(string issuer)
    {
        var claims = server.GoodClaims();
        claims["tid"] = F.OtherTenantId;
        claims["iss"] = issuer;
        return claims;
    }

    [Fact]
    public async Task A_trusted_tenants_token_is_accepted_in_v1_and_v2_issuer_forms()
    {
        using var http = server.CreateTrustingClient();
        using var validator = new BearerTokenValidator(new AuthOptions { Authority = server.Authority, TenantId = F.TenantId }, http,
            trustedTenants: new Trusted(F.OtherTenantId));

        foreach (var issuer in new[] { $"https://sts.windows.net/{F.OtherTenantId}/", $"{server.Authority}/{F.OtherTenantId}/v2.0" })
        {
            var outcome = await validator.ValidateAsync("Bearer " + server.Sign(OtherTenantClaims(issuer)), CancellationToken.None);
            Assert.True(outcome.Succeeded, $"{issuer}: {outcome.Error}");
            Assert.Equal(F.OtherTenantId, outcome.Caller!.TenantId);
        }
    }

    [Fact]
    public async Task An_untrusted_tenants_token_is_refused_even_when_signed_by_the_trusted_issuer()
    {
        using var http = server.CreateTrustingClient();
        using var validator = new BearerTokenValidator(new AuthOptions { Authority = server.Authority, TenantId = F.TenantId }, http);

        var outcome = await validator.ValidateAsync("Bearer " + server.Sign(OtherTenantClaims($"{server.Authority}/{F.OtherTenantId}/v2.0")), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal("invalid issuer", outcome.Error);
    }

    [Fact]
    public async Task A_trusted_tid_does_not_make_another_tenants_issuer_valid()
    {
        using var http = server.CreateTrustingClient();
        using var validator = new BearerTokenValidator(new AuthOptions { Authority = server.Authority, TenantId = F.TenantId }, http,
            trustedTenants: new Trusted(F.OtherTenantId));

        // tid says the trusted tenant, issuer says the configured one: the issuer must belong to the token's own tenant.
        var outcome = await validator.ValidateAsync("Bearer " + server.Sign(OtherTenantClaims($"{server.Authority}/{F.TenantId}/v2.0")), CancellationToken.None);

        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public void The_challenge_names_the_resource_tenant()
    {
        using var validator = new BearerTokenValidator(new AuthOptions { Authority = "https://login.microsoftonline.com", TenantId = F.TenantId });

        Assert.Equal($"Bearer authorization=\"https://login.microsoftonline.com/{F.OtherTenantId}\", resource=\"{AuthOptions.DefaultAudience}\"",
            validator.ChallengeFor(F.OtherTenantId));
    }
}
