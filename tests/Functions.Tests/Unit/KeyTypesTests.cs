using System.Net;
using HsmVault.Hsm;
using HsmVault.Keys;
using HsmVault.Objects;

namespace HsmVault.Tests.Unit;

public sealed class KeyTypesTests
{
    [Theory]
    [InlineData("RSA", KeyFamily.Rsa)]
    [InlineData("RSA-HSM", KeyFamily.Rsa)]
    [InlineData("EC", KeyFamily.Ec)]
    [InlineData("EC-HSM", KeyFamily.Ec)]
    [InlineData("oct", KeyFamily.Oct)]
    [InlineData("oct-HSM", KeyFamily.Oct)]
    public void Family_of_each_key_type(string kty, KeyFamily family) => Assert.Equal(family, KeyTypes.FamilyOf(kty));

    [Theory]
    [InlineData(null)]
    [InlineData("rsa")]
    [InlineData("OKP")]
    [InlineData("")]
    public void Unknown_key_type_is_BadParameter(string? kty) => AssertBadParameter(() => KeyTypes.FamilyOf(kty));

    [Fact]
    public void Default_ops_per_family()
    {
        Assert.Equal(["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"], KeyTypes.DefaultOps(KeyFamily.Rsa));
        Assert.Equal(["sign", "verify"], KeyTypes.DefaultOps(KeyFamily.Ec));
        Assert.Equal(["encrypt", "decrypt", "wrapKey", "unwrapKey"], KeyTypes.DefaultOps(KeyFamily.Oct));
        Assert.Equal(KeyTypes.DefaultOps(KeyFamily.Ec), KeyTypes.ValidateOps(null, KeyFamily.Ec));
    }

    [Fact]
    public void Ops_are_canonicalized_and_deduplicated()
    {
        Assert.Equal(["wrapKey", "sign"], KeyTypes.ValidateOps(["WRAPKEY", "Sign", "wrapkey"], KeyFamily.Rsa));
    }

    [Theory]
    [InlineData(KeyFamily.Ec, "encrypt")]
    [InlineData(KeyFamily.Ec, "decrypt")]
    [InlineData(KeyFamily.Ec, "wrapKey")]
    [InlineData(KeyFamily.Ec, "unwrapKey")]
    [InlineData(KeyFamily.Oct, "sign")]
    [InlineData(KeyFamily.Oct, "verify")]
    [InlineData(KeyFamily.Rsa, "frobnicate")]
    [InlineData(KeyFamily.Rsa, "")]
    public void Ops_that_do_not_fit_the_family_are_BadParameter(KeyFamily family, string op) =>
        AssertBadParameter(() => KeyTypes.ValidateOps([op], family));

    [Fact]
    public void Null_op_is_BadParameter_not_a_crash()
    {
        // JSON "key_ops": [null] reaches ValidateOps as a null element.
        AssertBadParameter(() => KeyTypes.ValidateOps([null!], KeyFamily.Rsa));
    }

    [Fact]
    public void Usage_flags_follow_ops()
    {
        Assert.Equal(HsmKeyUsage.Sign | HsmKeyUsage.Verify, KeyTypes.UsageOf(["sign", "verify"]));
        Assert.Equal(HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt | HsmKeyUsage.Wrap | HsmKeyUsage.Unwrap,
            KeyTypes.UsageOf(["encrypt", "decrypt", "wrapKey", "unwrapKey", "import"]));
        Assert.Equal(HsmKeyUsage.None, KeyTypes.UsageOf([]));
    }

    [Theory]
    [InlineData("P-256", HsmCurve.P256, 32)]
    [InlineData("P-384", HsmCurve.P384, 48)]
    [InlineData("P-521", HsmCurve.P521, 66)]
    [InlineData("P-256K", HsmCurve.Secp256k1, 32)]
    public void Curves_map_both_ways(string name, HsmCurve curve, int fieldBytes)
    {
        Assert.Equal(curve, KeyTypes.CurveOf(name));
        Assert.Equal(name, KeyTypes.NameOf(curve));
        Assert.Equal(fieldBytes, KeyTypes.FieldBytes(curve));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("P-192")]
    [InlineData("p-256")]
    public void Unknown_curve_is_BadParameter(string? crv) => AssertBadParameter(() => KeyTypes.CurveOf(crv));

    [Theory]
    [InlineData(2048, true)]
    [InlineData(3072, true)]
    [InlineData(4096, true)]
    [InlineData(1024, false)]
    [InlineData(2047, false)]
    [InlineData(8192, false)]
    public void Rsa_sizes(int bits, bool ok)
    {
        if (ok) KeyTypes.ValidateRsaSize(bits);
        else AssertBadParameter(() => KeyTypes.ValidateRsaSize(bits));
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(192, true)]
    [InlineData(256, true)]
    [InlineData(64, false)]
    [InlineData(512, false)]
    public void Oct_sizes(int bits, bool ok)
    {
        if (ok) KeyTypes.ValidateOctSize(bits);
        else AssertBadParameter(() => KeyTypes.ValidateOctSize(bits));
    }

    [Fact]
    public void Short_truncates_and_masks_control_characters()
    {
        Assert.Equal(40, ObjectNames.Short(new string('x', 100)).Length);
        Assert.Equal("a?b", ObjectNames.Short("a\nb"));
    }

    internal static void AssertBadParameter(Action act)
    {
        var e = Assert.Throws<VaultException>(act);
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Equal("BadParameter", e.Code);
    }
}
