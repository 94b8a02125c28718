using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Identity;

/// <summary>
/// Makes the development identity provider's tokens in the shape of Entra ID v2 ones, all signed with <see cref="DevSigningKey"/>:
/// access tokens (aud = the vault's resource) and OpenID Connect ID tokens (aud = the client id, with the sign-in's nonce).
/// </summary>
public sealed class DevTokenFactory(DevSigningKey signingKey, Func<string, string> issuerFor, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string AccessToken(DevPrincipal principal, string tenant, string audience, TimeSpan lifetime, string appId, string identityType)
    {
        var claims = new Dictionary<string, object>
        {
            ["tid"] = tenant,
            ["oid"] = principal.ObjectId,
            ["sub"] = principal.ObjectId,
            ["appid"] = appId,
            ["azp"] = appId,
            ["idtyp"] = identityType,
            ["ver"] = "2.0",
        };
        if (identityType == "user")
            claims["name"] = principal.ClientId;
        if (principal.Roles.Count > 0)
            claims["roles"] = principal.Roles.ToArray();
        if (principal.Groups.Count > 0)
            claims["groups"] = principal.Groups.ToArray();
        return Sign(tenant, audience, lifetime, claims);
    }

    /// <summary>
    /// An ID token for the client that signed the user in. MSAL reads the account from it (oid, tid, name, preferred_username)
    /// and, after an authorization code, compares its nonce with the one it sent; it has no role claims, so it says who signed
    /// in, not what they may do.
    /// </summary>
    public string IdToken(DevPrincipal principal, string tenant, string clientId, string? nonce, TimeSpan lifetime)
    {
        var claims = new Dictionary<string, object>
        {
            ["tid"] = tenant,
            ["oid"] = principal.ObjectId,
            ["sub"] = principal.ObjectId,
            ["name"] = principal.ClientId,
            ["preferred_username"] = principal.ClientId,
            ["ver"] = "2.0",
        };
        if (!string.IsNullOrEmpty(nonce))
            claims["nonce"] = nonce;
        return Sign(tenant, clientId, lifetime, claims);
    }

    /// <summary>Entra ID's client_info: base64url JSON of the user's object id and tenant, from which MSAL makes the account's home id.</summary>
    public static string ClientInfo(DevPrincipal principal, string tenant) =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(new JsonObject { ["uid"] = principal.ObjectId, ["utid"] = tenant }.ToJsonString()));

    private string Sign(string tenant, string audience, TimeSpan lifetime, Dictionary<string, object> claims)
    {
        var now = time.GetUtcNow();
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuerFor(tenant),
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = signingKey.SigningCredentials,
        });
    }
}
