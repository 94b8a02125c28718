using Azure;
using HsmVault.Hsm;
using HsmVault.Objects;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace HsmVault.Resilience;

/// <summary>
/// Polly pipelines around Table storage and the HSM. Retries only for transient faults of idempotent calls;
/// a dependency that keeps failing opens its breaker and callers get 503 with Retry-After at once instead of hanging.
/// </summary>
public sealed class ResiliencePipelines
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);
    /// <summary>Storage's breaker stays open briefly: service must be back within seconds of storage.</summary>
    public static readonly TimeSpan StorageBreakDuration = TimeSpan.FromSeconds(1);

    public ResiliencePipelines(TimeSpan storageTimeout)
    {
        StorageRead = Storage(storageTimeout, retry: true);
        StorageWrite = Storage(storageTimeout, retry: false);
        var hsmBreaker = HsmBreaker();
        HsmIdempotent = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(hsmBreaker)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HsmException>(e => e.Kind == HsmErrorKind.Transient),
                MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(20), BackoffType = DelayBackoffType.Exponential, UseJitter = true,
            })
            .Build();
        HsmOnce = new ResiliencePipelineBuilder().AddCircuitBreaker(hsmBreaker).Build();
    }

    /// <summary>Reads and other idempotent storage calls: timeout, retries with jitter, breaker.</summary>
    public ResiliencePipeline StorageRead { get; }
    /// <summary>Conditional writes: a retry after an unseen success would fail its ETag check, so no retry.</summary>
    public ResiliencePipeline StorageWrite { get; }
    /// <summary>HSM calls that may safely run twice (sign, verify, decrypt, reads).</summary>
    public ResiliencePipeline HsmIdempotent { get; }
    /// <summary>HSM calls that must not run twice blindly (key generation, import, destroy).</summary>
    public ResiliencePipeline HsmOnce { get; }

    private static ResiliencePipeline Storage(TimeSpan timeout, bool retry)
    {
        var builder = new ResiliencePipelineBuilder().AddTimeout(timeout)
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransientStorageFault),
                FailureRatio = 0.5, MinimumThroughput = 10, SamplingDuration = TimeSpan.FromSeconds(10), BreakDuration = StorageBreakDuration,
            });
        if (retry)
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransientStorageFault),
                MaxRetryAttempts = 3, Delay = TimeSpan.FromMilliseconds(100), BackoffType = DelayBackoffType.Exponential, UseJitter = true,
            });
        return builder.AddTimeout(TimeSpan.FromSeconds(5)).Build();
    }

    private static CircuitBreakerStrategyOptions HsmBreaker() => new()
    {
        ShouldHandle = new PredicateBuilder().Handle<HsmException>(e => e.Kind is HsmErrorKind.Unavailable or HsmErrorKind.Transient),
        FailureRatio = 0.5, MinimumThroughput = 10, SamplingDuration = TimeSpan.FromSeconds(10), BreakDuration = BreakDuration,
    };

    public static bool IsTransientStorageFault(Exception e) => e switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or 500 or 502 or 503 or 504,
        HttpRequestException or TimeoutRejectedException or TaskCanceledException => true,
        _ => false,
    };
}
