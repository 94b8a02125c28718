using System.Net;
using HsmVault.Keys;
using HsmVault.Objects;

namespace HsmVault.Tests.Unit;

public sealed class ObjectNamesTests
{
    public static TheoryData<string> ValidNames => new() { "a", "Z", "0", "-", "my-key-1", "ABC-def-123", new string('k', 127) };

    public static TheoryData<string?> InvalidNames => new()
    {
        null, "", "bad_name", "a b", "a.b", "a/b", "ключ", "é", new string('k', 128),
        "abc\n",   // '$' must not match before a trailing newline
        "\nabc",
    };

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void Accepts_1_to_127_letters_digits_dashes(string name)
    {
        Assert.Equal(name, ObjectNames.Name(name));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Refuses_other_names_with_BadParameter(string? name)
    {
        var e = Assert.Throws<VaultException>(() => ObjectNames.Name(name));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Equal("BadParameter", e.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Empty_version_means_current(string? version)
    {
        Assert.Null(ObjectNames.Version(version));
    }

    [Fact]
    public void Version_is_32_hex_and_normalized_to_lower_case()
    {
        Assert.Equal("0123456789abcdef0123456789abcdef", ObjectNames.Version("0123456789ABCDEF0123456789abcdef"));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcde")]    // 31
    [InlineData("0123456789abcdef0123456789abcdef0")]  // 33
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData("versions")]
    [InlineData("0123456789abcdef0123456789abcdef\n")]
    public void Other_versions_are_KeyNotFound(string version)
    {
        var e = Assert.Throws<VaultException>(() => ObjectNames.Version(version));
        Assert.Equal(HttpStatusCode.NotFound, e.Status);
        Assert.Equal("KeyNotFound", e.Code);
    }

    [Fact]
    public void Secret_versions_report_SecretNotFound()
    {
        var e = Assert.Throws<VaultException>(() => ObjectNames.Version("nope", "secret"));
        Assert.Equal("SecretNotFound", e.Code);
    }

    [Fact]
    public void New_versions_are_unique_32_lower_hex()
    {
        var versions = Enumerable.Range(0, 100).Select(_ => ObjectNames.NewVersion()).ToList();
        Assert.All(versions, v => Assert.Matches("^[0-9a-f]{32}$", v));
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.All(versions, v => Assert.Equal(v, ObjectNames.Version(v)));
    }
}
