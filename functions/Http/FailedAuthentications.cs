using System.Collections.Concurrent;
using System.Net;
using HsmVault.Identity;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HsmVault.Http;

/// <summary>
/// A budget of failed authentications per source address (a token bucket: <see cref="LimitsOptions.FailedAuthenticationBurst"/>
/// deep, refilled at <see cref="LimitsOptions.FailedAuthenticationsPerMinute"/>). An address that has spent it has its
/// unauthenticated requests refused before their tokens are checked, so a flood of bad tokens costs a dictionary lookup per
/// request and cannot crowd out callers with valid tokens. Never blocks; the table of addresses is bounded.
/// </summary>
public sealed class FailedAuthentications(IOptions<LimitsOptions> options, ClientAddresses addresses, TimeProvider clock)
{
    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens = tokens;
        public long At = at;
    }

    private readonly LimitsOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    private bool Enabled => _options.FailedAuthenticationBurst > 0;
    private double PerSecond => _options.FailedAuthenticationsPerMinute / 60.0;

    /// <summary>
    /// First step of a pipeline: 429 with Retry-After when the request's address has spent its budget, unless the request
    /// carries a token that already passed validation (a lookup, no signature check): a caller with a valid token is
    /// served even from an address that also sends bad ones.
    /// </summary>
    public void Demand(HttpRequest request, BearerTokenValidator tokens)
    {
        if (IsExhausted(addresses.Of(request), out var wait) && !tokens.IsKnownValid(request.Headers.Authorization.ToString()))
            throw new VaultException((HttpStatusCode)429, "Throttled",
                "Too many failed authentications from this address. Retry after the interval in the Retry-After header.", retryAfter: wait);
    }

    /// <summary>
    /// Last step of a pipeline: a 401 for a request that carried a token spends one of its address's failed authentications.
    /// A request without one (the SDKs' first, challenge-seeking request) does not.
    /// </summary>
    public void Observe(HttpRequest request, HttpStatusCode status)
    {
        if (status == HttpStatusCode.Unauthorized && !string.IsNullOrWhiteSpace(request.Headers.Authorization.ToString()))
            Failed(addresses.Of(request));
    }

    /// <summary>Whether <paramref name="address"/> has no failed authentication left; if so, when it will have one again.</summary>
    public bool IsExhausted(string? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!Enabled || address is null || !_buckets.TryGetValue(address, out var bucket)) return false;
        lock (bucket)
        {
            Refill(bucket);
            if (bucket.Tokens >= 1) return false;
            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - bucket.Tokens) / PerSecond)));
            return true;
        }
    }

    /// <summary>Spends one of <paramref name="address"/>'s failed authentications.</summary>
    public void Failed(string? address)
    {
        if (!Enabled || address is null) return;
        if (!_buckets.TryGetValue(address, out var bucket))
        {
            if (_buckets.Count >= _options.FailedAuthenticationAddresses) Prune();
            bucket = _buckets.GetOrAdd(address, _ => new Bucket(_options.FailedAuthenticationBurst, clock.GetTimestamp()));
        }
        lock (bucket)
        {
            Refill(bucket);
            bucket.Tokens = Math.Max(0, bucket.Tokens - 1);
        }
    }

    private void Refill(Bucket bucket)
    {
        var now = clock.GetTimestamp();
        var earned = clock.GetElapsedTime(bucket.At, now).TotalSeconds * PerSecond;
        bucket.Tokens = Math.Min(_options.FailedAuthenticationBurst, bucket.Tokens + earned);
        bucket.At = now;
    }

    /// <summary>Forgets the addresses whose budget is whole again; if that is not enough, every address.</summary>
    private void Prune()
    {
        foreach (var (address, bucket) in _buckets)
            lock (bucket)
            {
                Refill(bucket);
                if (bucket.Tokens >= _options.FailedAuthenticationBurst) _buckets.TryRemove(address, out _);
            }
        if (_buckets.Count >= _options.FailedAuthenticationAddresses) _buckets.Clear();
    }
}
