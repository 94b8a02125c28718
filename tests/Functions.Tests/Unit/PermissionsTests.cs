using HsmVault.Access;

namespace HsmVault.Tests.Unit;

public sealed class PermissionsTests
{
    [Fact]
    public void All_grants_every_key_permission()
    {
        var set = Permissions.Parse("all", Permissions.Keys);
        Assert.Equal(Permissions.Keys.Count, set.Count);
        Assert.All(Permissions.Keys, p => Assert.Contains(p, set));
        Assert.Contains("wrapKey", set);
        Assert.Equal(8, Permissions.Parse("ALL", Permissions.Secrets).Count);
    }

    [Fact]
    public void Lists_are_split_on_commas_spaces_and_semicolons_case_insensitively()
    {
        var set = Permissions.Parse(" get, LIST;Sign  unwrapkey ", Permissions.Keys);
        Assert.Equal(4, set.Count);
        Assert.Contains("get", set);
        Assert.Contains("list", set);
        Assert.Contains("sign", set);
        Assert.Contains("unwrapKey", set);
        Assert.Contains("UNWRAPKEY", set); // lookups are case-insensitive too
        Assert.DoesNotContain("verify", set);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ;")]
    public void Empty_lists_grant_nothing(string? list) => Assert.Empty(Permissions.Parse(list, Permissions.Keys));

    [Theory]
    [InlineData("get,frobnicate", "frobnicate")]
    [InlineData("set", "set")]          // a secrets permission is not a keys permission
    [InlineData("everything", "everything")]
    public void Unknown_names_are_refused_by_name(string list, string unknown)
    {
        var e = Assert.Throws<ArgumentException>(() => Permissions.Parse(list, Permissions.Keys));
        Assert.Contains($"'{unknown}'", e.Message);
    }

    [Fact]
    public void Secrets_know_their_own_names()
    {
        Assert.Equal(["set", "get"], Permissions.Parse("set,get", Permissions.Secrets).Order().Reverse());
        Assert.Throws<ArgumentException>(() => Permissions.Parse("sign", Permissions.Secrets));
    }
}
