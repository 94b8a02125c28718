using HsmVault.Access;
using HsmVault.Objects;
using HsmVault.Vaults;

namespace HsmVault.Tests.Access;

public sealed class KeyScopeTests
{
    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("*", null, true)]
    [InlineData("payments-signing", "payments-signing", true)]
    [InlineData("payments-signing", "PAYMENTS-SIGNING", true)]
    [InlineData("payments-signing", "payments-signing2", false)]
    [InlineData("payments-*", "payments-signing", true)]
    [InlineData("payments-*", "other", false)]
    [InlineData("payments-signing", null, false)]
    public void Covers(string scope, string? key, bool expected) => Assert.Equal(expected, KeyScope.Covers(scope, key));

    [Theory]
    [InlineData("bad/name")]
    [InlineData("a*b")]
    [InlineData("**")]
    public void Bad_scopes_are_400(string scope) =>
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, Assert.Throws<VaultException>(() => KeyScope.Parse(scope)).Status);

    [Theory]
    [InlineData("abc", true)]
    [InlineData("my-vault-01", true)]
    [InlineData("ab", false)]
    [InlineData("1abc", false)]
    [InlineData("abc-", false)]
    [InlineData("a--b", false)]
    [InlineData("abcdefghijklmnopqrstuvwx", true)]
    [InlineData("abcdefghijklmnopqrstuvwxy", false)]
    [InlineData("a_b", false)]
    public void Vault_names_follow_key_vault_rules(string name, bool valid) => Assert.Equal(valid, VaultNames.IsValid(name));
}
