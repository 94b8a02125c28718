using System.Net;
using HsmVault.Keys;
using HsmVault.Objects;

namespace HsmVault.Tests.Unit;

public sealed class KeyGuardsTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static KeyEntity Key(bool enabled = true, DateTimeOffset? nbf = null, DateTimeOffset? exp = null, string ops = "sign,verify") =>
        new() { Name = "k", Kty = "RSA", Enabled = enabled, NotBefore = nbf, Expires = exp, KeyOps = ops };

    private static void AssertForbidden(KeyEntity key, string operation, string innerCode)
    {
        var e = Assert.Throws<VaultException>(() => KeyGuards.DemandUsable(key, operation, Now));
        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.Equal("Forbidden", e.Code);
        Assert.Equal(innerCode, e.InnerCode);
        Assert.Contains(operation, e.Message);
    }

    [Fact]
    public void Usable_key_passes()
    {
        KeyGuards.DemandUsable(Key(nbf: Now.AddSeconds(-1), exp: Now.AddSeconds(1)), "sign", Now);
        KeyGuards.DemandUsable(Key(nbf: Now), "verify", Now); // nbf is inclusive
    }

    [Fact]
    public void Disabled() => AssertForbidden(Key(enabled: false), "sign", "KeyDisabled");

    [Fact]
    public void Not_yet_valid() => AssertForbidden(Key(nbf: Now.AddSeconds(1)), "sign", "KeyNotYetValid");

    [Fact]
    public void Expired() => AssertForbidden(Key(exp: Now.AddSeconds(-1)), "sign", "KeyExpired");

    [Fact]
    public void Expired_at_exactly_exp() => AssertForbidden(Key(exp: Now), "sign", "KeyExpired");

    [Theory]
    [InlineData("verify", "sign")]
    [InlineData("sign,verify", "encrypt")]
    [InlineData("", "sign")]
    [InlineData("encrypt,decrypt", "wrapKey")]
    [InlineData("wrapkey", "wrapKey")] // ops are stored canonical; no case folding at check time
    public void Operation_outside_key_ops(string ops, string operation) =>
        AssertForbidden(Key(ops: ops), operation, "KeyOperationForbidden");

    [Fact]
    public void Disabled_is_reported_before_other_reasons() =>
        AssertForbidden(Key(enabled: false, exp: Now.AddDays(-1), ops: "verify"), "sign", "KeyDisabled");
}
