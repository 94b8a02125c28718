using System.Collections.Concurrent;
using HsmVault.Hsm;
using Polly;
using Polly.CircuitBreaker;

namespace HsmVault.Resilience;

/// <summary>
/// The HSM call timeout of one token. PKCS#11 calls are blocking native calls that nothing can cancel, so a timeout cannot
/// end a call that hangs inside the module; instead, while any call on the token has been running longer than the timeout,
/// every new call is refused at once (Unavailable, counted by the token's breaker): a hung token pins the threads it already
/// had, never more. Waits for the token's turn are bounded by the adapter with the same timeout (<see cref="HsmOptions.CallTimeout"/>).
/// </summary>
internal sealed class HsmCallGuard(TimeSpan timeout, TimeProvider clock) : ResilienceStrategy
{
    private readonly ConcurrentDictionary<long, long> _running = new();
    private long _next;

    /// <summary>Calls on this token running right now.</summary>
    public int Running => _running.Count;

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var now = clock.GetTimestamp();
        foreach (var started in _running.Values)
            if (clock.GetElapsedTime(started, now) > timeout)
                return Outcome.FromException<TResult>(new HsmException(HsmErrorKind.Unavailable,
                    $"An HSM call on this token has been running for longer than the HSM call timeout ({timeout.TotalSeconds:0.###} s)"));
        var id = Interlocked.Increment(ref _next);
        _running[id] = now;
        try { return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext); }
        finally { _running.TryRemove(id, out _); }
    }
}

/// <summary>An open HSM breaker is the HSM's unavailability (503 HsmUnavailable), not an anonymous dependency's.</summary>
internal sealed class HsmBrokenCircuit : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        return outcome.Exception is BrokenCircuitException b
            ? Outcome.FromException<TResult>(new HsmException(HsmErrorKind.Unavailable, "The HSM's circuit breaker is open", b))
            : outcome;
    }
}
