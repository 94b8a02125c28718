using HsmVault.Keys;
using HsmVault.Objects;

namespace HsmVault.Tests.Unit;

public sealed class RotationPolicyTests
{
    private static KeyRotationPolicyWire Policy(string? expiry, params (string Type, string? After, string? Before)[] actions) => new()
    {
        Attributes = new() { ExpiryTime = expiry },
        LifetimeActions = actions.Select(a => new LifetimeActionWire
        {
            Trigger = new() { TimeAfterCreate = a.After, TimeBeforeExpiry = a.Before }, Action = new() { Type = a.Type },
        }).ToList(),
    };

    [Fact]
    public void A_valid_policy_parses_and_says_when_each_action_is_due()
    {
        var p = KeyRotationPolicy.Parse(Policy("P1Y", ("Rotate", "P90D", null), ("notify", null, "P30D")));
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromDays(365), p.ExpiryTime);
        Assert.Equal(created.AddDays(90), p.RotateAction!.DueAt(created, null));
        Assert.Equal(created.AddDays(70), p.NotifyAction!.DueAt(created, created.AddDays(100)));
        Assert.Null(p.NotifyAction.DueAt(created, null)); // before expiry of a key that never expires: never
        var wire = p.ToWire("id", created, created);
        Assert.Equal("P1Y", wire.Attributes!.ExpiryTime);
        Assert.Equal("Notify", wire.LifetimeActions![1].Action!.Type);
    }

    [Theory]
    [InlineData("P27D", "Rotate", "P7D", null, "at least 28 days")]
    [InlineData(null, "Rotate", "P6D", null, "at least 7 days")]
    [InlineData(null, "Rotate", null, "P6D", "at least 7 days")]
    [InlineData("P30D", "Rotate", null, "P30D", "shorter than attributes.expiryTime")]
    [InlineData("P30D", "Rotate", "P25D", null, "7 days shorter")]
    [InlineData(null, "Notify", "P30D", null, "timeBeforeExpiry only")]
    [InlineData(null, "Rotate", "thirty days", null, "ISO-8601")]
    [InlineData(null, "Rotate", "-P30D", null, "ISO-8601")]
    [InlineData(null, "Explode", "P30D", null, "'Rotate' or 'Notify'")]
    [InlineData(null, "Rotate", null, null, "exactly one trigger")]
    public void Invalid_policies_are_400_naming_the_rule(string? expiry, string type, string? after, string? before, string rule)
    {
        var e = Assert.Throws<VaultException>(() => KeyRotationPolicy.Parse(Policy(expiry, (type, after, before))));
        Assert.Equal("BadParameter", e.Code);
        Assert.Contains(rule, e.Message);
    }

    [Fact]
    public void At_most_one_action_of_each_type()
    {
        var e = Assert.Throws<VaultException>(() => KeyRotationPolicy.Parse(Policy(null, ("Rotate", "P30D", null), ("Rotate", "P60D", null))));
        Assert.Contains("at most one Rotate", e.Message);
        Assert.Throws<VaultException>(() => KeyRotationPolicy.Parse(Policy("P1Y", ("Notify", null, "P30D"), ("Notify", null, "P20D"))));
    }
}
