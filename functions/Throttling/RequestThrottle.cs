using System.Net;
using System.Threading.RateLimiting;
using HsmVault.Objects;
using Microsoft.Extensions.Options;

namespace HsmVault.Throttling;

/// <summary>
/// Token buckets per vault and per (vault, caller), refilled ten times a second, bursting up to one second's worth.
/// A request over either limit gets 429 Throttled with Retry-After, as Key Vault answers.
/// </summary>
public sealed class RequestThrottle : IDisposable
{
    private readonly ThrottlingOptions _options;
    private readonly PartitionedRateLimiter<string> _vaults;
    private readonly PartitionedRateLimiter<(string Vault, string Caller)> _callers;

    public RequestThrottle(IOptions<ThrottlingOptions> options)
    {
        _options = options.Value;
        _vaults = PartitionedRateLimiter.Create<string, string>(vault =>
            RateLimitPartition.GetTokenBucketLimiter(vault, v => Bucket(VaultLimit(v))), StringComparer.OrdinalIgnoreCase);
        _callers = PartitionedRateLimiter.Create<(string Vault, string Caller), (string, string)>(key =>
            RateLimitPartition.GetTokenBucketLimiter((key.Vault.ToLowerInvariant(), key.Caller.ToLowerInvariant()), k => Bucket(CallerLimit(k.Item1))));
    }

    public void DemandVault(string vault)
    {
        using var lease = _vaults.AttemptAcquire(vault);
        if (!lease.IsAcquired) Demand(lease, $"vault '{vault}'"); // the message is built only for a refusal
    }

    public void DemandCaller(string vault, string objectId)
    {
        using var lease = _callers.AttemptAcquire((vault, objectId));
        if (!lease.IsAcquired) Demand(lease, $"caller '{objectId}' on vault '{vault}'");
    }

    /// <summary>Nothing when the lease was acquired, else 429 Throttled with Retry-After.</summary>
    public static void Demand(RateLimitLease lease, string what)
    {
        using (lease)
        {
            if (lease.IsAcquired) return;
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
            throw new VaultException((HttpStatusCode)429, "Throttled",
                $"Operations against {what} exceed the request rate limit. Retry after the interval in the Retry-After header.", retryAfter: wait);
        }
    }

    private int VaultLimit(string vault) =>
        _options.Vaults.TryGetValue(vault, out var v) && v.VaultRequestsPerSecond is { } n ? n : _options.VaultRequestsPerSecond;

    private int CallerLimit(string vault) =>
        _options.Vaults.TryGetValue(vault, out var v) && v.CallerRequestsPerSecond is { } n ? n : _options.CallerRequestsPerSecond;

    /// <summary>A bucket of <paramref name="perSecond"/> permits a second, bursting up to one second's worth, never queueing.</summary>
    public static TokenBucketRateLimiterOptions Bucket(int perSecond)
    {
        perSecond = Math.Max(1, perSecond);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond,
            TokensPerPeriod = Math.Max(1, perSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(perSecond >= 10 ? 100 : 1000.0 / perSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    public void Dispose()
    {
        _vaults.Dispose();
        _callers.Dispose();
    }
}
