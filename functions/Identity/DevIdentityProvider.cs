using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Identity;

/// <summary>
/// A minimal OAuth 2.0 / OpenID Connect issuer for standalone mode: client-credentials tokens in the shape of
/// Entra ID v2 access tokens, and for the portal (MSAL in OIDC protocol mode) user sign-in with authorization code + PKCE,
/// ID tokens and refresh tokens, all signed with <see cref="DevSigningKey"/>. Never use it in Azure.
/// </summary>
public sealed class DevIdentityProvider
{
    private const string DefaultScopeSuffix = DevGrantedScopes.DefaultSuffix;
    private const int MaxNonceLength = 256;

    private readonly AuthOptions _auth;
    private readonly DevIdentityOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DevAuthorizationCodes _codes;
    private readonly DevRefreshTokens _refreshTokens;
    private readonly DevTokenFactory _tokens;

    public DevIdentityProvider(
        IOptions<AuthOptions> auth,
        IOptions<DevIdentityOptions> options,
        DevSigningKey signingKey,
        ILogger<DevIdentityProvider>? logger = null,
        TimeProvider? time = null)
    {
        _codes = new DevAuthorizationCodes(time);
        _refreshTokens = new DevRefreshTokens(time);
        _auth = auth.Value;
        _options = options.Value;
        SigningKey = signingKey;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _tokens = new DevTokenFactory(signingKey, IssuerFor, _time);
    }

    public DevSigningKey SigningKey { get; }

    /// <summary>The issuer base URL (the host's https base URL), without a trailing slash.</summary>
    public string Authority =>
        _auth.NormalizedAuthority is { Length: > 0 } authority
            ? authority
            : throw new InvalidOperationException($"{AuthOptions.SectionName}:Authority must be set to the host's base URL before the development identity provider is used.");

    public string IssuerFor(string tenant) => $"{Authority}/{tenant}/v2.0";

    /// <summary>Tenants this provider serves: the configured tenant and every principal's tenant.</summary>
    public bool IsKnownTenant(string tenant) =>
        string.Equals(tenant, _auth.TenantId, StringComparison.OrdinalIgnoreCase) ||
        _options.Principals.Any(p => string.Equals(p.TenantId, tenant, StringComparison.OrdinalIgnoreCase));

    public JsonObject GetOpenIdConfiguration(string tenant)
    {
        var baseUrl = $"{Authority}/{tenant}";
        return new JsonObject
        {
            ["issuer"] = IssuerFor(tenant),
            ["authorization_endpoint"] = $"{baseUrl}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{baseUrl}/oauth2/v2.0/token",
            ["jwks_uri"] = $"{baseUrl}/discovery/v2.0/keys",
            ["response_types_supported"] = new JsonArray("code"),
            ["response_modes_supported"] = new JsonArray("query", "fragment"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic", "none"),
            ["grant_types_supported"] = new JsonArray("client_credentials", "authorization_code", "refresh_token"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "offline_access"),
            ["claims_supported"] = new JsonArray("sub", "oid", "tid", "name", "preferred_username", "nonce", "roles", "groups"),
            ["tenant_region_scope"] = null,
        };
    }

    public JsonObject GetJsonWebKeySet() => new()
    {
        ["keys"] = new JsonArray(new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = SigningKey.KeyId,
            ["n"] = SigningKey.Modulus,
            ["e"] = SigningKey.Exponent,
        }),
    };

    /// <summary>Handles a client_credentials token request. Returns the HTTP status and the JSON body.</summary>
    public DevTokenResponse RequestToken(string tenant, string? grantType, string? clientId, string? clientSecret, string? scope)
    {
        if (!string.Equals(grantType, "client_credentials", StringComparison.Ordinal))
            return DevTokenResponse.Error(400, "unsupported_grant_type", "grant_type must be client_credentials, authorization_code or refresh_token.");

        if (!IsKnownTenant(tenant))
            return DevTokenResponse.Error(400, "invalid_request", "Unknown tenant.");

        var principal = Authenticate(clientId, clientSecret);
        if (principal is null)
        {
            _logger.LogInformation("Development token request rejected for client {ClientId}: invalid client credentials", clientId);
            return DevTokenResponse.Error(401, "invalid_client", "Invalid client credentials.");
        }

        var principalTenant = string.IsNullOrEmpty(principal.TenantId) ? _auth.TenantId : principal.TenantId;
        if (!string.Equals(principalTenant, tenant, StringComparison.OrdinalIgnoreCase))
            return DevTokenResponse.Error(400, "invalid_request", "The client does not belong to this tenant.");

        if (string.IsNullOrWhiteSpace(scope) || !scope.EndsWith(DefaultScopeSuffix, StringComparison.Ordinal) ||
            scope.Contains(' ') || scope.Length == DefaultScopeSuffix.Length)
            return DevTokenResponse.Error(400, "invalid_scope", "scope must be a single '<resource>/.default' value.");

        var audience = scope[..^DefaultScopeSuffix.Length];
        if (!IsServedAudience(audience))
            return UnknownResource(audience);
        _logger.LogInformation("Issued development token for client {ClientId} (oid {ObjectId}), audience {Audience}", principal.ClientId, principal.ObjectId, audience);
        return AppTokenResponse(principal, principalTenant, audience);
    }

    /// <summary>The principals that can sign in at the authorization endpoint of a tenant (their client ids).</summary>
    public IEnumerable<string> SignInNames(string tenant) =>
        _options.Principals.Where(p => string.Equals(PrincipalTenant(p), tenant, StringComparison.OrdinalIgnoreCase)).Select(p => p.ClientId);

    /// <summary>
    /// Checks an authorization request (response_type=code, the public client, a registered redirect URI, PKCE S256, a
    /// '<resource>/.default' scope, response_mode query or fragment). Returns an error message, or null when the request is acceptable.
    /// </summary>
    public string? CheckAuthorizationRequest(string tenant, DevAuthorizationRequest request)
    {
        if (!IsKnownTenant(tenant)) return "Unknown tenant.";
        if (!string.Equals(request.ClientId, _options.PublicClientId, StringComparison.Ordinal)) return "Unknown client_id.";
        if (!RedirectUris.Contains(request.RedirectUri ?? "", StringComparer.Ordinal)) return "redirect_uri is not registered for this client.";
        if (request.ResponseType != "code") return "Only response_type=code is supported.";
        if (request.ResponseMode is { Length: > 0 } mode && mode is not ("query" or "fragment"))
            return "response_mode must be query or fragment.";
        if (request.CodeChallengeMethod != "S256" || !DevAuthorizationCodes.IsPkceValue(request.CodeChallenge))
            return "A PKCE code_challenge with code_challenge_method=S256 is required.";
        if (request.Nonce is { Length: > MaxNonceLength }) return $"nonce must be at most {MaxNonceLength} characters.";
        var scopes = DevGrantedScopes.Parse(request.Scope);
        if (scopes is null) return "scope must include one '<resource>/.default' value.";
        return IsServedAudience(scopes.Audience) ? null : UnknownResourceMessage(scopes.Audience);
    }

    /// <summary>Signs a principal in for a checked authorization request; returns the authorization code, or null for wrong credentials.</summary>
    public string? SignIn(string tenant, DevAuthorizationRequest request, string? clientId, string? secret)
    {
        var principal = Authenticate(clientId, secret);
        if (principal is null || !string.Equals(PrincipalTenant(principal), tenant, StringComparison.OrdinalIgnoreCase))
        {
            _logger.LogInformation("Development sign-in rejected for {ClientId}", clientId);
            return null;
        }
        return _codes.Issue(new DevAuthorizationGrant(principal, tenant, request.ClientId!, request.RedirectUri!, request.CodeChallenge!,
            DevGrantedScopes.Parse(request.Scope)!, request.Nonce is { Length: > 0 } n ? n : null, _codes.Now + DevAuthorizationCodes.Lifetime));
    }

    /// <summary>
    /// The token endpoint's authorization_code grant (public client, PKCE verifier required): an access token, and an ID token
    /// (with the sign-in's nonce) for openid, a refresh token for offline_access, client_info when asked (client_info=1).
    /// </summary>
    public DevTokenResponse RedeemAuthorizationCode(string tenant, string? code, string? clientId, string? redirectUri, string? codeVerifier,
        bool clientInfo = false)
    {
        var grant = _codes.Redeem(code, clientId, redirectUri, codeVerifier);
        if (grant is null || !string.Equals(grant.Tenant, tenant, StringComparison.OrdinalIgnoreCase))
            return DevTokenResponse.Error(400, "invalid_grant", "The authorization code is invalid, expired, already used, or was issued for another client, redirect URI or code verifier.");
        _logger.LogInformation("Issued development token for {ClientId} (oid {ObjectId}) signed in to {App}", grant.Principal.ClientId, grant.Principal.ObjectId, grant.ClientId);
        return UserTokenResponse(grant.Principal, grant.Tenant, grant.ClientId, grant.Scopes, grant.Nonce, clientInfo);
    }

    /// <summary>
    /// The token endpoint's refresh_token grant (public client): the refresh token is single use and answered with a new one.
    /// The scope may name the resource again (MSAL sends it); without one, the signed-in scopes are kept.
    /// </summary>
    public DevTokenResponse RedeemRefreshToken(string tenant, string? refreshToken, string? clientId, string? scope, bool clientInfo = false)
    {
        var grant = _refreshTokens.Redeem(refreshToken, clientId);
        if (grant is null || !string.Equals(grant.Tenant, tenant, StringComparison.OrdinalIgnoreCase))
            return DevTokenResponse.Error(400, "invalid_grant", "The refresh token is invalid, expired, already used, or was issued to another client; sign in again.");
        var scopes = grant.Scopes;
        if (!string.IsNullOrWhiteSpace(scope))
        {
            if (DevGrantedScopes.Parse(scope) is not { } asked)
                return DevTokenResponse.Error(400, "invalid_scope", "scope must include one '<resource>/.default' value.");
            if (!IsServedAudience(asked.Audience))
                return UnknownResource(asked.Audience);
            // A refresh never widens the sign-in: the OpenID scopes stay those granted then.
            scopes = grant.Scopes with { Audience = asked.Audience };
        }
        _logger.LogInformation("Renewed development token for {ClientId} (oid {ObjectId}) signed in to {App}", grant.Principal.ClientId, grant.Principal.ObjectId, grant.ClientId);
        return UserTokenResponse(grant.Principal, grant.Tenant, grant.ClientId, scopes, nonce: null, clientInfo);
    }

    /// <summary>
    /// Origins allowed to call the discovery, keys and token endpoints from a browser (CORS): those of the public client's
    /// redirect URIs, as Entra ID allows the origins of a SPA registration's redirect URIs.
    /// </summary>
    public bool IsBrowserClientOrigin(string? origin) =>
        !string.IsNullOrEmpty(origin) && RedirectUris.Any(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) &&
            string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase));

    private IReadOnlyList<string> RedirectUris => _options.RedirectUris.Count > 0 ? _options.RedirectUris : [$"{Authority}/portal/"];

    private string PrincipalTenant(DevPrincipal p) => string.IsNullOrEmpty(p.TenantId) ? _auth.TenantId : p.TenantId;

    /// <summary>Whether tokens may be issued for this resource: only the vault's configured audiences (trailing slash ignored).</summary>
    private bool IsServedAudience(string audience)
    {
        var bare = audience.TrimEnd('/');
        return bare.Length > 0 && _auth.EffectiveAudiences.Any(a => string.Equals(a.TrimEnd('/'), bare, StringComparison.Ordinal));
    }

    private string UnknownResourceMessage(string audience) =>
        $"The resource '{audience}' is not served here; this vault's audience is '{_auth.PrimaryAudience}' " +
        $"(ask for '{_auth.PrimaryAudience.TrimEnd('/')}{DefaultScopeSuffix}').";

    private DevTokenResponse UnknownResource(string audience)
    {
        _logger.LogInformation("Development token request refused: resource {Audience} is not a configured audience", audience);
        return DevTokenResponse.Error(400, "invalid_scope", UnknownResourceMessage(audience));
    }

    private DevTokenResponse AppTokenResponse(DevPrincipal principal, string tenant, string audience)
    {
        var body = LifetimeFields();
        body["access_token"] = _tokens.AccessToken(principal, tenant, audience, _options.TokenLifetime, principal.ClientId, "app");
        return new DevTokenResponse(200, body);
    }

    private DevTokenResponse UserTokenResponse(DevPrincipal principal, string tenant, string clientId, DevGrantedScopes scopes, string? nonce, bool clientInfo)
    {
        var body = LifetimeFields();
        body["scope"] = scopes.ToString();
        body["access_token"] = _tokens.AccessToken(principal, tenant, scopes.Audience, _options.TokenLifetime, clientId, "user");
        if (scopes.OpenId)
            body["id_token"] = _tokens.IdToken(principal, tenant, clientId, nonce, _options.TokenLifetime);
        if (scopes.OfflineAccess)
        {
            body["refresh_token"] = _refreshTokens.Issue(new DevRefreshGrant(principal, tenant, clientId, scopes, _refreshTokens.Now + DevRefreshTokens.Lifetime));
            body["refresh_token_expires_in"] = (long)DevRefreshTokens.Lifetime.TotalSeconds;
        }
        if (clientInfo)
            body["client_info"] = DevTokenFactory.ClientInfo(principal, tenant);
        return new DevTokenResponse(200, body);
    }

    private JsonObject LifetimeFields() => new()
    {
        ["token_type"] = "Bearer",
        ["expires_in"] = (long)_options.TokenLifetime.TotalSeconds - 1,
        ["ext_expires_in"] = (long)_options.TokenLifetime.TotalSeconds - 1,
    };

    private DevPrincipal? Authenticate(string? clientId, string? clientSecret)
    {
        var principal = string.IsNullOrEmpty(clientId)
            ? null
            : _options.Principals.FirstOrDefault(p => string.Equals(p.ClientId, clientId, StringComparison.Ordinal));

        // Compare fixed-length hashes in constant time, also for unknown clients, so timing reveals neither
        // the secret's length nor whether the client exists.
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(principal?.ClientSecret ?? "\0unknown-client"));
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(clientSecret ?? ""));
        var matches = CryptographicOperations.FixedTimeEquals(expected, presented);
        return principal is not null && matches && clientSecret is { Length: > 0 } ? principal : null;
    }
}

/// <summary>The parameters of an authorization request (query string of the GET, hidden fields of the sign-in form).</summary>
public sealed record DevAuthorizationRequest(string? ClientId, string? RedirectUri, string? ResponseType, string? Scope, string? State,
    string? CodeChallenge, string? CodeChallengeMethod, string? Nonce = null, string? ResponseMode = null);

/// <summary>Status code and JSON body of a token endpoint response.</summary>
public sealed record DevTokenResponse(int StatusCode, JsonObject Body)
{
    public static DevTokenResponse Error(int statusCode, string error, string description) =>
        new(statusCode, new JsonObject { ["error"] = error, ["error_description"] = description });
}
