using HsmVault.Identity;
using HsmVault.Vaults;
using Microsoft.Extensions.Options;

namespace HsmVault.Portal;

/// <summary>What the portal's page needs to sign in and find the vaults, and the origins its policy allows, from the options.</summary>
public sealed class PortalSettings(IOptions<PortalOptions> portal, IOptions<AuthOptions> auth, IOptions<VaultOptions> vaults, VaultHosts hosts)
{
    /// <summary>The portal's own origin, e.g. https://localhost:8443 (no trailing slash).</summary>
    public string Origin =>
        portal.Value.Origin is { Length: > 0 } configured
            ? configured.Trim().TrimEnd('/')
            : hosts.BaseUriOf(vaults.Value.DefaultVault).GetLeftPart(UriPartial.Authority);

    public string RedirectUri => Origin + "/portal/";

    public string ClientId => portal.Value.ClientId;

    public string Scope =>
        portal.Value.Scope is { Length: > 0 } scope ? scope : auth.Value.PrimaryAudience.TrimEnd('/') + "/.default";

    public string Authority => auth.Value.NormalizedAuthority;

    public string TenantId => auth.Value.TenantId;

    /// <summary>The CSP source that covers every vault host: https://*.{suffix}[:port].</summary>
    public string VaultHostsSource
    {
        get
        {
            var port = vaults.Value.PublicPort == 443 ? "" : ":" + vaults.Value.PublicPort;
            return $"https://*.{vaults.Value.DnsSuffix}{port}";
        }
    }

    public bool IsPortalOrigin(string? origin) =>
        !string.IsNullOrEmpty(origin) && string.Equals(origin, Origin, StringComparison.OrdinalIgnoreCase);

    /// <summary>The configuration document the page reads at start (/portal/config.json).</summary>
    public object ClientConfiguration => new
    {
        authority = Authority,
        tenantId = TenantId,
        clientId = ClientId,
        scope = Scope,
        redirectUri = RedirectUri,
        msal = MsalAuthority,
        operatorRole = auth.Value.OperatorRole,
        defaultVault = hosts.DefaultVault,
        defaultVaultUri = hosts.BaseUriOf(hosts.DefaultVault).ToString(),
        vaultUriTemplate = VaultHostsSource.Replace("*", "{vault}") + "/",
    };

    /// <summary>
    /// How MSAL (@azure/msal-browser) finds the sign-in endpoints. Entra ID: the tenant's authority in MSAL's "AAD" mode. The
    /// development identity provider is not Entra ID: "OIDC" mode reads its openid-configuration (under /{tenant}/v2.0), and
    /// its host is a known authority, so that MSAL does not ask Entra ID's instance discovery whether to trust it.
    /// </summary>
    public object MsalAuthority => auth.Value.UsesDevelopmentIdentityProvider
        ? new { authority = $"{Authority}/{TenantId}/v2.0", protocolMode = "OIDC", knownAuthorities = new[] { AuthorityHost } }
        : new { authority = $"{Authority}/{TenantId}", protocolMode = "AAD", knownAuthorities = Array.Empty<string>() };

    private string AuthorityHost => Uri.TryCreate(Authority, UriKind.Absolute, out var a) ? a.Authority : "";

    /// <summary>
    /// The portal's Content-Security-Policy: scripts and styles only from the portal's own files (no inline code), requests
    /// only to this service, the vault hosts and the token endpoint, never framed.
    /// </summary>
    public string ContentSecurityPolicy
    {
        get
        {
            var authorityOrigin = Uri.TryCreate(Authority, UriKind.Absolute, out var a) ? a.GetLeftPart(UriPartial.Authority) : "";
            return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
                   $"connect-src 'self' {VaultHostsSource} {authorityOrigin}".TrimEnd() + "; " +
                   "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        }
    }
}
