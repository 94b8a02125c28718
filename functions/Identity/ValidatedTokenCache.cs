using System.Collections.Concurrent;
using HsmVault.Objects;

namespace HsmVault.Identity;

/// <summary>
/// Callers of tokens that passed full validation, so a client reusing its token (as every SDK does) costs a dictionary
/// lookup instead of a signature check per request. An entry never outlives its token's <c>exp</c>, nor
/// <see cref="MaxAge"/>; the cache is bounded and simply starts over when full. Only successes are cached.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (CallerIdentity Caller, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string token, out CallerIdentity caller) => TryGet(token.AsSpan(), out caller);

    /// <summary>Looks the token up by its characters (a slice of the Authorization header), without making a string of it.</summary>
    public bool TryGet(ReadOnlySpan<char> token, out CallerIdentity caller)
    {
        if (_entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var entry) && clock.GetUtcNow() < entry.Until)
        {
            caller = entry.Caller;
            return true;
        }
        caller = null!;
        return false;
    }

    public void Add(string token, CallerIdentity caller, DateTimeOffset expires)
    {
        if (_entries.Count >= MaxEntries) _entries.Clear();
        var until = clock.GetUtcNow() + MaxAge;
        _entries[token] = (caller, expires < until ? expires : until);
    }
}
