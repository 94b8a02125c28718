using HsmVault.Hsm;
using HsmVault.Resilience;
using Polly.CircuitBreaker;

namespace HsmVault.Tests.Unit;

/// <summary>Issue #13, finding 2: one tenant's failures never open a breaker for others, and caller faults never count.</summary>
public sealed class HsmFaultIsolationTests
{
    private static void Fail(ResiliencePipelines r, string token, string vault, HsmErrorKind kind, int times)
    {
        for (var i = 0; i < times; i++)
            Assert.ThrowsAny<Exception>(() => r.Hsm(token, vault).Once.Execute(() => throw new HsmException(kind, "x")));
    }

    private static bool Open(ResiliencePipelines r, string token, string vault)
    {
        try { r.Hsm(token, vault).Once.Execute(() => 0); return false; }
        catch (HsmException e) when (e.InnerException is BrokenCircuitException) { return true; }
    }

    [Theory]
    [InlineData(HsmErrorKind.InvalidInput)]
    [InlineData(HsmErrorKind.NotFound)]
    [InlineData(HsmErrorKind.Unsupported)]
    [InlineData(HsmErrorKind.Busy)]
    public void Caller_faults_and_busy_refusals_never_open_a_breaker(HsmErrorKind kind)
    {
        var r = new ResiliencePipelines(TimeSpan.FromSeconds(5));
        Fail(r, "t1", "tenant-a", kind, 200);
        Assert.False(Open(r, "t1", "tenant-a"));
        Assert.False(Open(r, "t1", "tenant-b"));
    }

    [Fact]
    public void A_failing_customer_token_opens_only_its_own_breaker()
    {
        var r = new ResiliencePipelines(TimeSpan.FromSeconds(5));
        Fail(r, "customer-token", "byok-vault", HsmErrorKind.Unavailable, 20);
        Assert.True(Open(r, "customer-token", "byok-vault"));
        Assert.False(Open(r, "shared-token", "other-vault"));
        Assert.False(Open(r, "shared-token", "byok-vault-neighbour"));
    }

    [Fact]
    public void Only_transient_faults_of_idempotent_calls_are_retried()
    {
        var r = new ResiliencePipelines(TimeSpan.FromSeconds(5));
        foreach (var (kind, expected) in new[] { (HsmErrorKind.Transient, 3), (HsmErrorKind.InvalidInput, 1), (HsmErrorKind.Unavailable, 1) })
        {
            var calls = 0;
            Assert.Throws<HsmException>(() => r.Hsm("t", "v-" + kind).Idempotent.Execute(() => { calls++; throw new HsmException(kind, "x"); }));
            Assert.Equal(expected, calls);
        }
        var once = 0;
        Assert.Throws<HsmException>(() => r.Hsm("t", "v").Once.Execute(() => { once++; throw new HsmException(HsmErrorKind.Transient, "x"); }));
        Assert.Equal(1, once);
    }

    [Fact]
    public async Task A_call_running_past_the_hsm_call_timeout_refuses_new_calls_on_its_token_only()
    {
        var clock = new ManualClock();
        var r = new ResiliencePipelines(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), clock);
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var hung = Task.Run(() => r.Hsm("t", "v").Once.Execute(() => { entered.Set(); release.Wait(); return 1; }));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, r.Hsm("t", "v2").Once.Execute(() => 1)); // within the timeout: others still run
        clock.Advance(TimeSpan.FromSeconds(3));
        var refused = Assert.Throws<HsmException>(() => r.Hsm("t", "v2").Idempotent.Execute(() => 1));
        Assert.Equal(HsmErrorKind.Unavailable, refused.Kind);
        Assert.Equal(1, r.HsmCallsRunning("t"));
        Assert.Equal(1, r.Hsm("other-token", "v3").Once.Execute(() => 1));
        release.Set();
        Assert.Equal(1, await hung);
        Assert.Equal(0, r.HsmCallsRunning("t"));
        Assert.Equal(1, r.Hsm("t", "v4").Once.Execute(() => 1));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
