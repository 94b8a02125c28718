using System.Net;
using HsmVault.Http;
using HsmVault.Objects;

namespace HsmVault.Tests.Unit;

public sealed class ApiVersionTests
{
    [Theory]
    [InlineData("7.0")]
    [InlineData("7.1")]
    [InlineData("7.2")]
    [InlineData("7.3")]
    [InlineData("7.4")]
    [InlineData("7.5")]
    [InlineData("7.6")]
    [InlineData("2025-07-01")]
    [InlineData("2026-04-01")]
    public void Accepts_versions_current_sdks_send(string version)
    {
        Assert.Equal(version, ApiVersion.Require(version));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("7.7")]
    [InlineData("6.0")]
    [InlineData("2016-10-01")]
    [InlineData("7.6 ")]
    [InlineData("latest")]
    [InlineData("2025-07-02")]
    public void Refuses_other_versions_with_BadParameter(string? version)
    {
        var e = Assert.Throws<VaultException>(() => ApiVersion.Require(version));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Equal("BadParameter", e.Code);
    }

    [Fact]
    public void Missing_version_message_names_the_parameter()
    {
        var e = Assert.Throws<VaultException>(() => ApiVersion.Require(null));
        Assert.Contains("api-version", e.Message);
    }

    [Fact]
    public void Long_unknown_version_is_not_echoed_in_full()
    {
        var value = new string('9', 500);
        var e = Assert.Throws<VaultException>(() => ApiVersion.Require(value));
        Assert.DoesNotContain(value, e.Message);
        Assert.True(e.Message.Length < 200, e.Message);
    }
}
