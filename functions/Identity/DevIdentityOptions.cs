namespace HsmVault.Identity;

/// <summary>Principals known to the development identity provider. Bound from "HsmVault:DevIdentity".</summary>
public sealed class DevIdentityOptions
{
    public const string SectionName = "HsmVault:DevIdentity";

    public List<DevPrincipal> Principals { get; set; } = [];

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The public client (the portal) that may use the authorization endpoint; it must match HsmVault:Portal:ClientId.</summary>
    public string PublicClientId { get; set; } = "hsmvault-portal";

    /// <summary>Redirect URIs that public client may use; empty = only "{host's base URL}/portal/".</summary>
    public List<string> RedirectUris { get; set; } = [];
}

/// <summary>A client-credentials principal of the development identity provider.</summary>
public sealed class DevPrincipal
{
    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public string ObjectId { get; set; } = "";

    /// <summary>Tenant of the principal; defaults to <see cref="AuthOptions.TenantId"/>.</summary>
    public string? TenantId { get; set; }

    public List<string> Roles { get; set; } = [];

    /// <summary>Group object ids put in the token's <c>groups</c> claim.</summary>
    public List<string> Groups { get; set; } = [];

    // Keep the secret out of logs and debugger displays.
    public override string ToString() => $"DevPrincipal {ClientId} (oid {ObjectId})";
}
