using HsmVault.Objects;
using HsmVault.Secrets;

namespace HsmVault.Tests.Secrets;

/// <summary>Unit tests of the additional authenticated data and the input limits (no host needed).</summary>
public sealed class SecretSealingTests
{
    [Fact]
    public void Additional_data_starts_with_the_format_and_length_prefixes_each_field()
    {
        var aad = SecretSealing.AdditionalData("default", "Db-Pass", "0123456789abcdef0123456789abcdef");
        Assert.Equal(SecretSealing.FormatVersion, aad[0]);
        Assert.Equal(new byte[] { 0, 7 }, aad[1..3]);
        Assert.Equal("default"u8.ToArray(), aad[3..10]);
        Assert.Equal(1 + 2 + 7 + 2 + 7 + 2 + 32, aad.Length);
    }

    [Fact]
    public void Additional_data_ignores_name_case_but_binds_vault_name_and_version()
    {
        var v = "0123456789abcdef0123456789abcdef";
        var baseline = SecretSealing.AdditionalData("default", "db-pass", v);
        Assert.Equal(baseline, SecretSealing.AdditionalData("default", "DB-PASS", v));
        Assert.NotEqual(baseline, SecretSealing.AdditionalData("other", "db-pass", v));
        Assert.NotEqual(baseline, SecretSealing.AdditionalData("default", "db-pas", v));
        Assert.NotEqual(baseline, SecretSealing.AdditionalData("default", "db-pass", "f" + v[1..]));
        // Length prefixes keep field boundaries: ("ab","c") and ("a","bc") differ.
        Assert.NotEqual(SecretSealing.AdditionalData("ab", "c", v), SecretSealing.AdditionalData("a", "bc", v));
    }

    [Theory]
    [InlineData(25 * 1024, true)]
    [InlineData(25 * 1024 + 1, false)]
    public void Values_are_limited_to_25_KB_of_UTF8(int bytes, bool accepted)
    {
        var value = new string('a', bytes);
        if (accepted) Assert.Equal(bytes, SecretLimits.Value(value).Length);
        else Assert.Equal("BadParameter", Assert.Throws<VaultException>(() => SecretLimits.Value(value)).Code);
    }

    [Fact]
    public void Missing_value_long_content_type_too_many_tags_and_bad_times_are_BadParameter()
    {
        Assert.Throws<VaultException>(() => SecretLimits.Value(null));
        Assert.Equal(255, SecretLimits.ContentType(new string('c', 255))!.Length);
        Assert.Throws<VaultException>(() => SecretLimits.ContentType(new string('c', 256)));
        Assert.Throws<VaultException>(() => ObjectAttributes.ValidateTags(Enumerable.Range(0, 16).ToDictionary(i => $"t{i}", _ => "v"), "secret"));
        Assert.Throws<VaultException>(() => ObjectAttributes.ValidateTags(new Dictionary<string, string> { ["t"] = new string('v', 257) }, "secret"));
        Assert.Throws<VaultException>(() => ObjectAttributes.Time(-1, "exp"));
        Assert.Null(ObjectAttributes.Time(null, "exp"));
    }
}
