using System.Collections.Concurrent;
using Azure;
using HsmVault.Hsm;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace HsmVault.Resilience;

/// <summary>The pipelines for HSM calls of one vault on one token.</summary>
public sealed record HsmPipelines(ResiliencePipeline Idempotent, ResiliencePipeline Once);

/// <summary>
/// Polly pipelines around Table storage and the HSM. Retries only for transient faults of idempotent calls;
/// a dependency that keeps failing opens its breaker and callers get 503 with Retry-After at once instead of hanging.
/// HSM calls pass a breaker of their vault and one of their token (a stable token id string, so vaults on a customer's
/// own token never trip the shared one): only faults of the HSM count (Unavailable, Transient), never a failure caused by
/// the caller's input or key (InvalidInput, NotFound, Unsupported) nor a refusal because the token is busy (Busy).
/// Inside the breakers, each token's <see cref="HsmCallGuard"/> refuses new calls while one has run past the HSM call timeout;
/// an open HSM breaker answers as the HSM's unavailability. The HSM breakers stay open 1 s: service is back within about a
/// second of the token.
/// </summary>
public sealed class ResiliencePipelines
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);
    public const string DefaultToken = "default";

    private readonly ConcurrentDictionary<string, ResiliencePipeline> _tokenBreakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _vaultBreakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Token, string Vault), HsmPipelines> _hsm = new();
    private readonly ConcurrentDictionary<string, HsmCallGuard> _guards = new(StringComparer.Ordinal);
    private readonly TimeSpan _hsmCallTimeout;
    private readonly TimeProvider _clock;
    /// <summary>Storage's breaker stays open briefly: service must be back within seconds of storage.</summary>
    public static readonly TimeSpan StorageBreakDuration = TimeSpan.FromSeconds(1);

    public ResiliencePipelines(TimeSpan storageTimeout) : this(storageTimeout, HsmOptions.DefaultCallTimeout, TimeProvider.System) { }

    public ResiliencePipelines(TimeSpan storageTimeout, TimeSpan hsmCallTimeout, TimeProvider clock)
    {
        _hsmCallTimeout = hsmCallTimeout;
        _clock = clock;
        StorageRead = Storage(storageTimeout, retry: true);
        StorageWrite = Storage(storageTimeout, retry: false);
        var shared = Compose(TokenBreaker(DefaultToken), Guard(DefaultToken), vaultBreaker: null);
        HsmIdempotent = shared.Idempotent;
        HsmOnce = shared.Once;
    }

    /// <summary>Reads and other idempotent storage calls: timeout, retries with jitter, breaker.</summary>
    public ResiliencePipeline StorageRead { get; }
    /// <summary>Conditional writes: a retry after an unseen success would fail its ETag check, so no retry.</summary>
    public ResiliencePipeline StorageWrite { get; }
    /// <summary>HSM calls on the default token outside any vault (start-up, sweeps) that may safely run twice.</summary>
    public ResiliencePipeline HsmIdempotent { get; }
    /// <summary>HSM calls on the default token outside any vault that must not run twice blindly.</summary>
    public ResiliencePipeline HsmOnce { get; }

    /// <summary>The pipelines for <paramref name="vault"/>'s calls on the token <paramref name="tokenId"/>.</summary>
    public HsmPipelines Hsm(string tokenId, string vault) =>
        _hsm.GetOrAdd((tokenId, vault), k => Compose(TokenBreaker(k.Token), Guard(k.Token), _vaultBreakers.GetOrAdd(k.Vault, _ => Breaker())));

    /// <summary>Whether a failure is the HSM's (counted by breakers) rather than the caller's or a busy refusal.</summary>
    public static bool IsHsmFault(HsmException e) => e.Kind is HsmErrorKind.Unavailable or HsmErrorKind.Transient;

    /// <summary>HSM calls running right now on a token (read-only, for tests and gauges).</summary>
    public int HsmCallsRunning(string tokenId) => _guards.TryGetValue(tokenId, out var g) ? g.Running : 0;

    private ResiliencePipeline TokenBreaker(string tokenId) => _tokenBreakers.GetOrAdd(tokenId, _ => Breaker());
    private HsmCallGuard Guard(string tokenId) => _guards.GetOrAdd(tokenId, _ => new HsmCallGuard(_hsmCallTimeout, _clock));

    private static ResiliencePipeline Breaker() => new ResiliencePipelineBuilder()
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HsmException>(IsHsmFault),
            FailureRatio = 0.5, MinimumThroughput = 10, SamplingDuration = TimeSpan.FromSeconds(10), BreakDuration = BreakDuration,
        })
        .Build();

    // open breaker → HsmException, vault breaker → token breaker → the token's call guard → retry (each retry attempt is one
    // call as far as the breakers are concerned).
    private static HsmPipelines Compose(ResiliencePipeline tokenBreaker, HsmCallGuard guard, ResiliencePipeline? vaultBreaker)
    {
        ResiliencePipelineBuilder Start()
        {
            var b = new ResiliencePipelineBuilder().AddStrategy(_ => new HsmBrokenCircuit());
            if (vaultBreaker is not null) b.AddPipeline(vaultBreaker);
            return b.AddPipeline(tokenBreaker).AddStrategy(_ => guard);
        }
        var idempotent = Start()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HsmException>(e => e.Kind == HsmErrorKind.Transient),
                MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(20), BackoffType = DelayBackoffType.Exponential, UseJitter = true,
            })
            .Build();
        return new HsmPipelines(idempotent, Start().Build());
    }

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

    public static bool IsTransientStorageFault(Exception e) => e switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or 500 or 502 or 503 or 504,
        HttpRequestException or TimeoutRejectedException or TaskCanceledException => true,
        _ => false,
    };
}
