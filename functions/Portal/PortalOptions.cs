namespace HsmVault.Portal;

/// <summary>The web portal under <c>/portal</c>. Bound from "HsmVault:Portal".</summary>
public sealed class PortalOptions
{
    public const string Section = "HsmVault:Portal";

    /// <summary>The portal's OAuth client id (in Entra ID: the SPA app registration whose redirect URI is {origin}/portal/).</summary>
    public string ClientId { get; set; } = "hsmvault-portal";

    /// <summary>Scope the portal asks for; empty = "{first of Auth:Audiences}/.default".</summary>
    public string Scope { get; set; } = "";

    /// <summary>
    /// The portal's origin, the only one the data plane answers cross-origin requests from (CORS); empty = the service's own
    /// host (the bare DNS suffix and public port), where the portal is served.
    /// </summary>
    public string Origin { get; set; } = "";
}
