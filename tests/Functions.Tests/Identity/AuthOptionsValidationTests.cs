using HsmVault.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Identity;

public sealed class AuthOptionsValidationTests
{
    private const string Tenant = "11111111-1111-4111-8111-111111111111";

    private static IReadOnlyList<string> Errors(Action<AuthOptions> change)
    {
        var options = new AuthOptions { Authority = "https://login.microsoftonline.com", TenantId = Tenant };
        change(options);
        return AuthOptionsValidator.GetErrors(options);
    }

    [Fact]
    public void Defaults_are_as_documented()
    {
        var options = new AuthOptions();
        Assert.Equal("https://localhost", AuthOptions.DefaultAudience);
        Assert.Empty(options.Audiences);
        Assert.Equal([AuthOptions.DefaultAudience], options.EffectiveAudiences);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ClockSkew);
        Assert.Equal(16384, options.MaxTokenBytes);
        Assert.Equal("", options.Authority);
        Assert.Empty(Errors(_ => { }));
    }

    [Theory]
    [InlineData("", "HsmVault:Auth:TenantId is required")]
    [InlineData("contoso.onmicrosoft.com", "HsmVault:Auth:TenantId must be a tenant id (GUID)")]
    public void Tenant_must_be_a_guid(string tenant, string message)
    {
        Assert.Contains(Errors(o => o.TenantId = tenant), e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://login.microsoftonline.com", "must use https")]
    [InlineData("login.microsoftonline.com", "must be an absolute URL")]
    [InlineData("https://login.microsoftonline.com/?x=1", "must not have a query")]
    [InlineData("", "only available in standalone mode")]
    public void Authority_must_be_https(string authority, string message)
    {
        Assert.Contains(Errors(o => o.Authority = authority), e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Limits_are_checked()
    {
        Assert.Single(Errors(o => o.ClockSkew = TimeSpan.FromMinutes(-1)));
        Assert.Single(Errors(o => o.MaxTokenBytes = 10));
        Assert.Single(Errors(o => o.Audiences = [" "]));
    }

    [Fact]
    public void Audiences_are_checked()
    {
        Assert.Contains(Errors(o => o.Audience = "https://vault.azure.net"), e => e.Contains("Audience was replaced by HsmVault:Auth:Audiences", StringComparison.Ordinal));
        Assert.Contains(Errors(o => o.Audiences = ["0d5c9a52-6d1a-4f43-9b0e-6f8a1c2d3e4f"]), e => e.Contains("Audiences:0 is named in the 401 challenge", StringComparison.Ordinal));
        Assert.Contains(Errors(o => o.Audiences = ["https://a.example", "https://a.example/"]), e => e.Contains("more than once", StringComparison.Ordinal));
        Assert.Single(Errors(o => o.Audiences = ["https://a.example", "two words"]));
        Assert.Empty(Errors(o => o.Audiences = ["api://hsmvault", "0d5c9a52-6d1a-4f43-9b0e-6f8a1c2d3e4f"]));
    }

    [Fact]
    public void Validator_constructor_refuses_invalid_options()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BearerTokenValidator(new AuthOptions { Authority = "http://idp.example", TenantId = Tenant }));
        Assert.Contains("must use https", ex.Message);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings, bool dev, string? hostAuthority = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHsmVaultAuthentication(builder.Configuration);
        if (dev)
            builder.Services.AddDevIdentityProvider(builder.Configuration, Path.Combine(Path.GetTempPath(), "hsmvault-unused-" + Guid.NewGuid().ToString("N")));
        if (hostAuthority is not null)
            builder.Services.PostConfigure<AuthOptions>(o => o.Authority = hostAuthority);
        return builder.Build();
    }

    [Fact]
    public async Task Startup_fails_with_a_clear_message_when_tenant_is_missing()
    {
        using var host = BuildHost(new() { ["HsmVault:Auth:Authority"] = "https://login.microsoftonline.com" }, dev: false);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("HsmVault:Auth:TenantId is required", ex.Message);
    }

    [Fact]
    public async Task Empty_authority_without_the_dev_idp_fails_at_startup()
    {
        using var host = BuildHost(new() { ["HsmVault:Auth:TenantId"] = Tenant }, dev: false);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("only available in standalone mode", ex.Message);
    }

    [Fact]
    public async Task Dev_idp_requires_the_host_to_set_the_authority()
    {
        using var host = BuildHost(new() { ["HsmVault:Auth:TenantId"] = Tenant }, dev: true);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("standalone host must set it", ex.Message);
    }

    [Fact]
    public async Task Dev_idp_with_host_authority_starts_and_marks_the_options()
    {
        using var host = BuildHost(new() { ["HsmVault:Auth:TenantId"] = Tenant, ["HsmVault:Auth:UsesDevelopmentIdentityProvider"] = "false" },
            dev: true, hostAuthority: "https://localhost:8443/");
        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        Assert.True(options.UsesDevelopmentIdentityProvider);
        var validator = host.Services.GetRequiredService<BearerTokenValidator>();
        Assert.Equal("Bearer authorization=\"https://localhost:8443/11111111-1111-4111-8111-111111111111\", resource=\"https://localhost\"",
            validator.ChallengeHeaderValue);
        await host.StopAsync();
    }

    [Fact]
    public async Task Dev_flag_cannot_be_switched_on_from_configuration()
    {
        using var host = BuildHost(new()
        {
            ["HsmVault:Auth:Authority"] = "https://login.microsoftonline.com",
            ["HsmVault:Auth:TenantId"] = Tenant,
            ["HsmVault:Auth:UsesDevelopmentIdentityProvider"] = "true",
        }, dev: false);
        await host.StartAsync();
        Assert.False(host.Services.GetRequiredService<IOptions<AuthOptions>>().Value.UsesDevelopmentIdentityProvider);
        await host.StopAsync();
    }

    [Fact]
    public async Task Dev_principals_are_validated_without_echoing_secrets()
    {
        using var host = BuildHost(new()
        {
            ["HsmVault:Auth:TenantId"] = Tenant,
            ["HsmVault:DevIdentity:Principals:0:ClientId"] = "a",
            ["HsmVault:DevIdentity:Principals:0:ClientSecret"] = "s3cret-one",
            ["HsmVault:DevIdentity:Principals:1:ClientId"] = "a",
            ["HsmVault:DevIdentity:Principals:1:ClientSecret"] = "s3cret-two",
            ["HsmVault:DevIdentity:Principals:1:ObjectId"] = "oid",
        }, dev: true, hostAuthority: "https://localhost:8443");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("HsmVault:DevIdentity:Principals:0:ObjectId is required", ex.Message);
        Assert.Contains("'a' is used by more than one principal", ex.Message);
        Assert.DoesNotContain("s3cret", ex.Message);
    }
}
