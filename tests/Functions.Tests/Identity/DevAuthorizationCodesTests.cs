using System.Security.Cryptography;
using System.Text;
using HsmVault.Identity;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Tests.Identity;

/// <summary>Authorization codes of the development identity provider: PKCE S256, single use, bound to client and redirect URI, short-lived.</summary>
public sealed class DevAuthorizationCodesTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch.AddYears(56);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private const string Client = "hsmvault-portal";
    private const string Redirect = "https://localhost:8443/portal/";
    private static readonly string Verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(40));
    private static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static (DevAuthorizationCodes Codes, Clock Clock, string Code) Issue()
    {
        var clock = new Clock();
        var codes = new DevAuthorizationCodes(clock);
        var principal = new DevPrincipal { ClientId = "operator", ObjectId = "cccccccc-0000-4000-8000-000000000003" };
        var code = codes.Issue(new DevAuthorizationGrant(principal, "t", Client, Redirect, Challenge(Verifier),
            new DevGrantedScopes(AuthOptions.DefaultAudience, OpenId: true, Profile: true, OfflineAccess: true), "n-1", clock.Now + DevAuthorizationCodes.Lifetime));
        return (codes, clock, code);
    }

    [Fact]
    public void The_right_verifier_redeems_the_code_once()
    {
        var (codes, _, code) = Issue();
        Assert.Equal("operator", codes.Redeem(code, Client, Redirect, Verifier)?.Principal.ClientId);
        Assert.Null(codes.Redeem(code, Client, Redirect, Verifier));
    }

    [Fact]
    public void A_wrong_verifier_fails_and_burns_the_code()
    {
        var (codes, _, code) = Issue();
        Assert.Null(codes.Redeem(code, Client, Redirect, Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(40))));
        Assert.Null(codes.Redeem(code, Client, Redirect, Verifier));
    }

    [Theory]
    [InlineData("other-client", Redirect)]
    [InlineData(Client, "https://localhost:8443/portal/evil")]
    public void Another_client_or_redirect_uri_cannot_redeem(string client, string redirect)
    {
        var (codes, _, code) = Issue();
        Assert.Null(codes.Redeem(code, client, redirect, Verifier));
    }

    [Fact]
    public void An_expired_code_is_refused()
    {
        var (codes, clock, code) = Issue();
        clock.Now += DevAuthorizationCodes.Lifetime + TimeSpan.FromSeconds(1);
        Assert.Null(codes.Redeem(code, Client, Redirect, Verifier));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("short", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP=", false)]
    public void Pkce_values_are_43_to_128_unreserved_characters(string? value, bool valid) =>
        Assert.Equal(valid, DevAuthorizationCodes.IsPkceValue(value));
}
