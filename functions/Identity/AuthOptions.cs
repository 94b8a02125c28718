namespace HsmVault.Identity;

/// <summary>How callers are authenticated. Bound from the "HsmVault:Auth" configuration section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "HsmVault:Auth";
    public const string DefaultAudience = "https://vault.azure.net";

    /// <summary>
    /// Base URL of the token issuer, e.g. https://login.microsoftonline.com. Empty means "use the development
    /// identity provider" (standalone mode only); the host then sets this to its own https base URL.
    /// </summary>
    public string Authority { get; set; } = "";

    /// <summary>The tenant (directory) id; tokens must carry it in their <c>tid</c> claim.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The expected <c>aud</c> claim (also accepted with a trailing slash).</summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>App role (in the token's <c>roles</c> claim) that the management API requires.</summary>
    public string OperatorRole { get; set; } = "HsmVault.Operator";

    /// <summary>App role that may read the audit log (records and usage) through the management API; the operator role may too.</summary>
    public string AuditorRole { get; set; } = "HsmVault.Auditor";

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tokens longer than this are rejected before they are parsed.</summary>
    public int MaxTokenBytes { get; set; } = 16384;

    /// <summary>
    /// Set by <see cref="AuthenticationServiceCollectionExtensions.AddDevIdentityProvider"/>; not bound from
    /// configuration. When true only the dev IdP's metadata issuer is accepted.
    /// </summary>
    public bool UsesDevelopmentIdentityProvider { get; internal set; }

    /// <summary>Authority without a trailing slash.</summary>
    internal string NormalizedAuthority => Authority.Trim().TrimEnd('/');
}
