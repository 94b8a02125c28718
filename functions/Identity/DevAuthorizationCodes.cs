using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Identity;

/// <summary>
/// What a sign-in at the authorization endpoint was for; a code is redeemable only with the same client, redirect URI and PKCE
/// verifier. The nonce (OpenID Connect) goes into the ID token, so that the client can tie it to the sign-in it started.
/// </summary>
public sealed record DevAuthorizationGrant(DevPrincipal Principal, string Tenant, string ClientId, string RedirectUri, string CodeChallenge,
    DevGrantedScopes Scopes, string? Nonce, DateTimeOffset Expires);

/// <summary>
/// Authorization codes of the development identity provider: random, single use, short-lived, bounded in number, and bound to a
/// PKCE S256 challenge (RFC 7636) so that only the page that started the sign-in can redeem them.
/// </summary>
public sealed class DevAuthorizationCodes(TimeProvider? time = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private const int MaxOutstanding = 1000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, DevAuthorizationGrant> _codes = new(StringComparer.Ordinal);

    /// <summary>A PKCE S256 challenge or verifier: 43–128 characters of [A-Za-z0-9-._~].</summary>
    public static bool IsPkceValue(string? value) =>
        value is { Length: >= 43 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public DateTimeOffset Now => _time.GetUtcNow();

    public string Issue(DevAuthorizationGrant grant)
    {
        if (_codes.Count >= MaxOutstanding)
            foreach (var (key, old) in _codes)
                if (old.Expires <= Now) _codes.TryRemove(key, out _);
        if (_codes.Count >= MaxOutstanding)
            throw new InvalidOperationException("Too many outstanding authorization codes.");
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _codes[code] = grant;
        return code;
    }

    /// <summary>Redeems a code once. Null when it is unknown, used, expired, or presented with another client, redirect URI or verifier.</summary>
    public DevAuthorizationGrant? Redeem(string? code, string? clientId, string? redirectUri, string? codeVerifier)
    {
        if (string.IsNullOrEmpty(code) || !_codes.TryRemove(code, out var grant)) return null;
        if (grant.Expires <= Now) return null;
        if (!string.Equals(grant.ClientId, clientId, StringComparison.Ordinal) ||
            !string.Equals(grant.RedirectUri, redirectUri, StringComparison.Ordinal) ||
            !IsPkceValue(codeVerifier))
            return null;
        var computed = Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier!))));
        return CryptographicOperations.FixedTimeEquals(computed, Encoding.ASCII.GetBytes(grant.CodeChallenge)) ? grant : null;
    }
}
