using HsmVault.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HsmVault.Tests.Http;

/// <summary>The budget of failed authentications per source address: spent by failures, earned back over time, bounded.</summary>
public sealed class FailedAuthenticationsTests
{
    private static FailedAuthentications Limit(FakeTimeProvider clock, int burst = 3, int perMinute = 60, int addresses = 100) =>
        new(Options.Create(new LimitsOptions
        {
            FailedAuthenticationBurst = burst, FailedAuthenticationsPerMinute = perMinute, FailedAuthenticationAddresses = addresses,
        }), new ClientAddresses(trustForwardedFor: false), clock);

    [Fact]
    public void An_address_that_spent_its_budget_is_refused_until_it_earns_one_back()
    {
        var clock = new FakeTimeProvider();
        var limit = Limit(clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.False(limit.IsExhausted("10.0.0.1", out _));
            limit.Failed("10.0.0.1");
        }
        Assert.True(limit.IsExhausted("10.0.0.1", out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.False(limit.IsExhausted("10.0.0.2", out _), "another address keeps its own budget");
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(limit.IsExhausted("10.0.0.1", out _));
        limit.Failed("10.0.0.1");
        Assert.True(limit.IsExhausted("10.0.0.1", out _));
        clock.Advance(TimeSpan.FromMinutes(10));
        for (var i = 0; i < 3; i++) limit.Failed("10.0.0.1");
        Assert.True(limit.IsExhausted("10.0.0.1", out _), "the budget refills up to the burst, no further");
    }

    [Fact]
    public void Burst_zero_turns_the_limit_off()
    {
        var limit = Limit(new FakeTimeProvider(), burst: 0);
        for (var i = 0; i < 1000; i++) limit.Failed("10.0.0.1");
        Assert.False(limit.IsExhausted("10.0.0.1", out _));
    }

    [Fact]
    public void The_table_of_addresses_stays_bounded_and_keeps_working()
    {
        var clock = new FakeTimeProvider();
        var limit = Limit(clock, burst: 1, addresses: 100);
        for (var i = 0; i < 1000; i++) limit.Failed($"10.0.{i / 256}.{i % 256}");
        limit.Failed("192.0.2.1");
        Assert.True(limit.IsExhausted("192.0.2.1", out _));
    }
}
