using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Identity;

/// <summary>What a refresh token stands for: a signed-in principal, the public client it was issued to, and the scopes granted.</summary>
public sealed record DevRefreshGrant(DevPrincipal Principal, string Tenant, string ClientId, DevGrantedScopes Scopes, DateTimeOffset Expires);

/// <summary>
/// Refresh tokens of the development identity provider (the portal renews its access token with them, not with a hidden
/// iframe): random handles kept in memory, single use (each redemption rotates the token, as Entra ID does for SPAs),
/// bound to the client, bounded in number and lifetime. A restart forgets them, and the portal asks to sign in again.
/// </summary>
public sealed class DevRefreshTokens(TimeProvider? time = null)
{
    /// <summary>Entra ID gives single-page apps 24-hour refresh tokens; the same here.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private const int MaxOutstanding = 1000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, DevRefreshGrant> _tokens = new(StringComparer.Ordinal);

    public DateTimeOffset Now => _time.GetUtcNow();

    public string Issue(DevRefreshGrant grant)
    {
        if (_tokens.Count >= MaxOutstanding)
            foreach (var (key, old) in _tokens)
                if (old.Expires <= Now) _tokens.TryRemove(key, out _);
        // Full of live tokens: forget the oldest rather than refuse a sign-in (that user signs in again).
        if (_tokens.Count >= MaxOutstanding && _tokens.MinBy(t => t.Value.Expires) is { Key: { } oldest })
            _tokens.TryRemove(oldest, out _);
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _tokens[token] = grant;
        return token;
    }

    /// <summary>Takes a refresh token once. Null when it is unknown, used, expired, or presented by another client.</summary>
    public DevRefreshGrant? Redeem(string? token, string? clientId)
    {
        if (string.IsNullOrEmpty(token) || !_tokens.TryRemove(token, out var grant)) return null;
        if (grant.Expires <= Now) return null;
        return string.Equals(grant.ClientId, clientId, StringComparison.Ordinal) ? grant : null;
    }
}
