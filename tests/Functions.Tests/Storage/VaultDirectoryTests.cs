using System.Net;
using HsmVault.Pipeline;
using HsmVault.Vaults;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Storage;

public sealed class VaultDirectoryTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private const string TenantA = "11111111-1111-4111-8111-111111111111";
    private const string TenantB = "22222222-2222-4222-8222-222222222222";
    private static CancellationToken Ct => CancellationToken.None;

    private VaultDirectory Directory(int port = 8443, string defaultVault = "main") => new(storage.Tables, storage.Resilience,
        Options.Create(new VaultOptions { DnsSuffix = "vault.test", DefaultVault = defaultVault, PublicPort = port }), TimeProvider.System);

    [Theory]
    [InlineData("vault.test", "main")]
    [InlineData("VAULT.TEST", "main")]
    [InlineData("contoso.vault.test", "contoso")]
    [InlineData("Contoso.Vault.Test", "contoso")]
    [InlineData("a-1.vault.test", "a-1")]
    [InlineData("a.b.vault.test", null)]
    [InlineData(".vault.test", null)]
    [InlineData("xvault.test", null)]
    [InlineData("vault.test.evil.com", null)]
    [InlineData("localhost", null)]
    [InlineData("", null)]
    public void Vault_name_from_host(string host, string? expected) => Assert.Equal(expected, Directory().VaultNameFromHost(host));

    [Fact]
    public void Base_uri_uses_the_bare_suffix_for_the_default_vault_and_omits_443()
    {
        Assert.Equal("https://vault.test:8443/", Directory().BaseUriOf("main").ToString());
        Assert.Equal("https://contoso.vault.test:8443/", Directory().BaseUriOf("contoso").ToString());
        Assert.Equal("https://contoso.vault.test/", Directory(port: 443).BaseUriOf("contoso").ToString());
    }

    [Theory]
    [InlineData("elsewhere.example.com")]
    [InlineData("a.b.vault.test")]
    public async Task Hosts_outside_the_suffix_are_VaultNotFound(string host)
    {
        var e = await Assert.ThrowsAsync<VaultException>(() => Directory().ResolveAsync(host, Ct));
        Assert.Equal((HttpStatusCode.NotFound, "VaultNotFound"), (e.Status, e.Code));
    }

    [Fact]
    public async Task A_vault_without_a_row_is_VaultNotFound_until_created()
    {
        var name = "v" + Guid.NewGuid().ToString("N")[..10];
        var directory = Directory();
        var e = await Assert.ThrowsAsync<VaultException>(() => directory.ResolveAsync($"{name}.vault.test", Ct));
        Assert.Equal((HttpStatusCode.NotFound, "VaultNotFound"), (e.Status, e.Code));

        await directory.EnsureExistsAsync(name.ToUpperInvariant(), TenantA, Ct);
        var vault = await directory.ResolveAsync($"{name}.vault.test", Ct);
        Assert.Equal(new Vault(name, TenantA, true, new Uri($"https://{name}.vault.test:8443/")), vault);
    }

    [Fact]
    public async Task The_bare_suffix_resolves_the_default_vault()
    {
        var name = "d" + Guid.NewGuid().ToString("N")[..10];
        var directory = Directory(defaultVault: name);
        await directory.EnsureExistsAsync(name, TenantA, Ct);
        var vault = await directory.ResolveAsync("vault.test", Ct);
        Assert.Equal(name, vault.Name);
        Assert.Equal("https://vault.test:8443/", vault.BaseUri.ToString());
    }

    [Fact]
    public async Task EnsureExists_does_not_overwrite_an_existing_vault()
    {
        var name = "e" + Guid.NewGuid().ToString("N")[..10];
        var directory = Directory();
        await directory.EnsureExistsAsync(name, TenantA, Ct);
        var row = (await storage.Tables.Vaults.GetEntityAsync<VaultEntity>(VaultEntity.Partition, name)).Value;
        row.Enabled = false; // an operator disabled it
        await storage.Tables.Vaults.UpdateEntityAsync(row, row.ETag);

        await directory.EnsureExistsAsync(name, TenantB, Ct);

        var stored = (await storage.Tables.Vaults.GetEntityAsync<VaultEntity>(VaultEntity.Partition, name)).Value;
        Assert.Equal((TenantA, false, row.Created), (stored.TenantId, stored.Enabled, stored.Created));
        var vault = await directory.ResolveAsync($"{name}.vault.test", Ct);
        Assert.False(vault.Enabled);
        Assert.Equal(TenantA, vault.TenantId);
    }
}
