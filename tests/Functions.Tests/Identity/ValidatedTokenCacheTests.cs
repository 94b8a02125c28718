using HsmVault.Identity;
using HsmVault.Objects;

namespace HsmVault.Tests.Identity;

public sealed class ValidatedTokenCacheTests
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly CallerIdentity Caller = new("oid-1", "tid-1", "app-1", [], []);
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_is_known_until_its_exp()
    {
        var clock = new ManualClock(T0);
        var cache = new ValidatedTokenCache(clock);
        cache.Add("token-a", Caller, T0.AddMinutes(2));

        Assert.True(cache.TryGet("token-a", out var caller));
        Assert.Same(Caller, caller);
        clock.Now = T0.AddMinutes(2);
        Assert.False(cache.TryGet("token-a", out _));
    }

    [Fact]
    public void No_entry_outlives_the_maximum_age()
    {
        var clock = new ManualClock(T0);
        var cache = new ValidatedTokenCache(clock);
        cache.Add("long-lived", Caller, T0.AddHours(24));

        clock.Now = T0 + ValidatedTokenCache.MaxAge - TimeSpan.FromSeconds(1);
        Assert.True(cache.TryGet("long-lived", out _));
        clock.Now = T0 + ValidatedTokenCache.MaxAge;
        Assert.False(cache.TryGet("long-lived", out _));
    }

    [Fact]
    public void Only_the_exact_token_matches()
    {
        var cache = new ValidatedTokenCache(new ManualClock(T0));
        cache.Add("token-a", Caller, T0.AddMinutes(5));
        Assert.False(cache.TryGet("token-A", out _));
        Assert.False(cache.TryGet("token-a ", out _));
    }

    [Fact]
    public void A_full_cache_starts_over_instead_of_growing()
    {
        var cache = new ValidatedTokenCache(new ManualClock(T0));
        for (var i = 0; i <= ValidatedTokenCache.MaxEntries; i++) cache.Add($"t{i}", Caller, T0.AddMinutes(5));
        Assert.False(cache.TryGet("t0", out _));
        Assert.True(cache.TryGet($"t{ValidatedTokenCache.MaxEntries}", out _));
    }
}
