namespace HsmVault.Identity;

/// <summary>How callers are authenticated. Bound from the "HsmVault:Auth" configuration section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "HsmVault:Auth";

    /// <summary>
    /// The local default audience: the deployment's own, never Azure Key Vault's (https://vault.azure.net), so a token for
    /// one is not valid at the other. A parent domain of the default vault hosts ({vault}.localhost), as the SDKs' challenge
    /// check requires.
    /// </summary>
    public const string DefaultAudience = "https://localhost";

    /// <summary>
    /// Base URL of the token issuer, e.g. https://login.microsoftonline.com. Empty means "use the development
    /// identity provider" (standalone mode only); the host then sets this to its own https base URL.
    /// </summary>
    public string Authority { get; set; } = "";

    /// <summary>The tenant (directory) id; tokens must carry it in their <c>tid</c> claim.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>
    /// The accepted <c>aud</c> values (each also with a trailing slash); empty means <see cref="DefaultAudience"/>. The first
    /// is the deployment's App ID URI: the 401 challenge names it and the development identity provider issues tokens only
    /// for these. Further entries are for an app's client id (Entra v2 tokens) or an audience an operator chooses to share.
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>Replaced by <see cref="Audiences"/>; still bound so that a deployment that sets it fails at start, not silently.</summary>
    public string? Audience { get; set; }

    /// <summary>The configured audiences (trimmed), or the default.</summary>
    public IReadOnlyList<string> EffectiveAudiences =>
        Audiences.Count == 0 ? [DefaultAudience] : Audiences.Select(a => (a ?? "").Trim()).ToList();

    /// <summary>The audience the 401 challenge names and clients ask tokens for.</summary>
    public string PrimaryAudience => EffectiveAudiences[0];

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
