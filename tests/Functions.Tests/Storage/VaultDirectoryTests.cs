using System.Net;
using HsmVault.Objects;
using HsmVault.Storage;
using HsmVault.Vaults;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Storage;

public sealed class VaultDirectoryTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private const string TenantA = "11111111-1111-4111-8111-111111111111";
    private const string TenantB = "22222222-2222-4222-8222-222222222222";
    private static CancellationToken Ct => CancellationToken.None;

    private VaultInstance Instance(int port = 8443, string defaultVault = "main") => new(storage, defaultVault, port);
    private static string NewName(char c) => c + Guid.NewGuid().ToString("N")[..10];

    [Theory]
    [InlineData("vault.test", "main")]
    [InlineData("VAULT.TEST", "main")]
    [InlineData("contoso.vault.test", "contoso")]
    [InlineData("Contoso.Vault.Test", "contoso")]
    [InlineData("a-1.vault.test", "a-1")]
    [InlineData("ab.vault.test", null)]
    [InlineData("a--b.vault.test", null)]
    [InlineData("a.b.vault.test", null)]
    [InlineData(".vault.test", null)]
    [InlineData("xvault.test", null)]
    [InlineData("vault.test.evil.com", null)]
    [InlineData("localhost", null)]
    [InlineData("", null)]
    public void Vault_name_from_host(string host, string? expected) => Assert.Equal(expected, Instance().Directory.VaultNameFromHost(host));

    [Fact]
    public void Base_uri_uses_the_bare_suffix_for_the_default_vault_and_omits_443()
    {
        Assert.Equal("https://vault.test:8443/", Instance().Directory.BaseUriOf("main").ToString());
        Assert.Equal("https://contoso.vault.test:8443/", Instance().Directory.BaseUriOf("contoso").ToString());
        Assert.Equal("https://contoso.vault.test/", Instance(port: 443).Directory.BaseUriOf("contoso").ToString());
    }

    [Theory]
    [InlineData("elsewhere.example.com")]
    [InlineData("a.b.vault.test")]
    public async Task Hosts_outside_the_suffix_are_VaultNotFound(string host)
    {
        var e = await Assert.ThrowsAsync<VaultException>(() => Instance().Directory.ResolveAsync(host, Ct));
        Assert.Equal((HttpStatusCode.NotFound, "VaultNotFound"), (e.Status, e.Code));
    }

    [Fact]
    public async Task A_vault_without_a_row_is_VaultNotFound_until_created()
    {
        var name = NewName('v');
        var instance = Instance();
        await instance.Watcher.PollAsync(); // warm: a first poll slower than the staleness bound would be refused (503)
        var e = await Assert.ThrowsAsync<VaultException>(() => instance.Directory.ResolveAsync($"{name}.vault.test", Ct));
        Assert.Equal((HttpStatusCode.NotFound, "VaultNotFound"), (e.Status, e.Code));

        await instance.CreateAsync(name.ToUpperInvariant(), TenantA);
        var vault = await instance.Directory.ResolveAsync($"{name}.vault.test", Ct);
        Assert.Equal((name, TenantA, true, new Uri($"https://{name}.vault.test:8443/")), (vault.Name, vault.TenantId, vault.Enabled, vault.BaseUri));
        Assert.NotEmpty(vault.PolicyStamp);
    }

    [Fact]
    public async Task The_bare_suffix_resolves_the_default_vault()
    {
        var name = NewName('d');
        var instance = Instance(defaultVault: name);
        await instance.CreateAsync(name, TenantA);
        var vault = await instance.Directory.ResolveAsync("vault.test", Ct);
        Assert.Equal(name, vault.Name);
        Assert.Equal("https://vault.test:8443/", vault.BaseUri.ToString());
    }

    [Fact]
    public async Task Create_does_not_overwrite_an_existing_vault()
    {
        var name = NewName('e');
        var instance = Instance();
        await instance.CreateAsync(name, TenantA);
        await instance.Store.CommitAsync(name, row => row.Enabled = false, null, Ct); // an operator disabled it

        var (created, _) = await instance.Store.CreateAsync(new VaultEntity { Name = name, TenantId = TenantB }, [], Ct);

        Assert.False(created);
        var stored = (await storage.Tables.Vaults.GetEntityAsync<VaultEntity>(name, VaultEntity.Row)).Value;
        Assert.Equal((TenantA, false), (stored.TenantId, stored.Enabled));
        var vault = await instance.Directory.ResolveAsync($"{name}.vault.test", Ct);
        Assert.False(vault.Enabled);
    }

    [Fact]
    public async Task Another_instance_sees_a_change_at_its_next_poll()
    {
        var name = NewName('p');
        var a = Instance();
        var b = Instance();
        await a.CreateAsync(name, TenantA);
        await b.Watcher.PollAsync();
        Assert.True((await b.Directory.ResolveAsync($"{name}.vault.test", Ct)).Enabled);

        var before = b.Vault(name).PolicyStamp;
        await a.Store.CommitAsync(name, row => row.Enabled = false, null, Ct);
        await b.Watcher.PollAsync();

        Assert.False(b.Vault(name).Enabled);
        Assert.NotEqual(before, b.Vault(name).PolicyStamp);
        Assert.True(b.Watcher.IsTrusted(TenantA));
    }

    [Fact]
    public async Task A_deleted_vault_is_gone_but_its_name_stays_taken()
    {
        var name = NewName('x');
        var instance = Instance();
        await instance.CreateAsync(name, TenantA);
        await instance.Store.CommitAsync(name, row => row.Deleted = true, null, Ct);

        var e = await Assert.ThrowsAsync<VaultException>(() => instance.Directory.ResolveAsync($"{name}.vault.test", Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.Status);
        var (created, _) = await instance.Store.CreateAsync(new VaultEntity { Name = name, TenantId = TenantB }, [], Ct);
        Assert.False(created);
    }

    [Fact]
    public async Task When_storage_cannot_confirm_the_state_requests_get_503_not_stale_answers()
    {
        var clock = new ManualClock();
        var unreachable = new Tables(Options.Create(new StorageOptions
        {
            ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;",
        }));
        var instance = new VaultInstance(storage, clock: clock, tables: unreachable);

        var e = await Assert.ThrowsAsync<VaultException>(() => instance.Directory.ResolveAsync("main.vault.test", Ct));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Status);
        Assert.NotNull(e.RetryAfter);
    }
}
