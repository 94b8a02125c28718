using System.Text.Json;
using HsmVault.Identity;
using HsmVault.Portal;
using HsmVault.Vaults;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Portal;

/// <summary>What /portal/config.json tells MSAL: Entra ID's tenant authority in AAD mode, or the development identity provider in OIDC mode.</summary>
public sealed class PortalSettingsTests
{
    private const string Tenant = "11111111-1111-4111-8111-111111111111";

    private static JsonElement Msal(string authority, bool devIdentity)
    {
        var auth = new AuthOptions { Authority = authority, TenantId = Tenant, UsesDevelopmentIdentityProvider = devIdentity };
        var vaults = Options.Create(new VaultOptions { DnsSuffix = "localhost", PublicPort = 8443 });
        var settings = new PortalSettings(Options.Create(new PortalOptions()), Options.Create(auth), vaults, new VaultHosts(vaults));
        return JsonSerializer.SerializeToElement(settings.ClientConfiguration).GetProperty("msal");
    }

    [Fact]
    public void Entra_id_is_the_tenants_authority_in_aad_mode()
    {
        var msal = Msal("https://login.microsoftonline.com/", devIdentity: false);
        Assert.Equal($"https://login.microsoftonline.com/{Tenant}", msal.GetProperty("authority").GetString());
        Assert.Equal("AAD", msal.GetProperty("protocolMode").GetString());
        Assert.Equal(0, msal.GetProperty("knownAuthorities").GetArrayLength());
    }

    [Fact]
    public void The_development_identity_provider_is_a_known_oidc_authority_whose_discovery_is_under_v2()
    {
        var msal = Msal("https://localhost:8443", devIdentity: true);
        // MSAL appends ".well-known/openid-configuration" to an OIDC authority: the dev IdP serves it under /{tenant}/v2.0.
        Assert.Equal($"https://localhost:8443/{Tenant}/v2.0", msal.GetProperty("authority").GetString());
        Assert.Equal("OIDC", msal.GetProperty("protocolMode").GetString());
        Assert.Equal(["localhost:8443"], msal.GetProperty("knownAuthorities").EnumerateArray().Select(e => e.GetString()));
    }
}
