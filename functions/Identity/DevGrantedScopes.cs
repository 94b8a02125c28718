namespace HsmVault.Identity;

/// <summary>
/// The scopes of a user sign-in at the development identity provider: one '&lt;resource&gt;/.default' (the access token's
/// audience) and the OpenID Connect scopes MSAL adds to every request (openid: an ID token; offline_access: a refresh token).
/// </summary>
public sealed record DevGrantedScopes(string Audience, bool OpenId, bool Profile, bool OfflineAccess)
{
    public const string DefaultSuffix = "/.default";

    /// <summary>Parses a space-separated scope; null unless it holds exactly one '&lt;resource&gt;/.default'. Other scopes are ignored, as Entra ID ignores unknown ones.</summary>
    public static DevGrantedScopes? Parse(string? scope)
    {
        var parts = (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var defaults = parts.Where(s => s.EndsWith(DefaultSuffix, StringComparison.Ordinal) && s.Length > DefaultSuffix.Length).ToList();
        if (defaults.Count != 1) return null;
        return new DevGrantedScopes(defaults[0][..^DefaultSuffix.Length], parts.Contains("openid"), parts.Contains("profile"), parts.Contains("offline_access"));
    }

    /// <summary>The 'scope' of a token response: the resource's .default and the OpenID scopes granted.</summary>
    public override string ToString() =>
        string.Join(' ', new[] { Audience + DefaultSuffix, OpenId ? "openid" : null, Profile ? "profile" : null, OfflineAccess ? "offline_access" : null }
            .Where(s => s is not null));
}
