using HsmVault.Access;
using HsmVault.Objects;
using HsmVault.Storage;
using HsmVault.Vaults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Storage;

/// <summary>One service instance's vault and policy objects over shared tables; its watcher polls only when asked.</summary>
public sealed class VaultInstance
{
    public VaultInstance(StorageFixture storage, string defaultVault = "main", int port = 8443, TimeProvider? clock = null, Tables? tables = null)
    {
        clock ??= TimeProvider.System;
        tables ??= storage.Tables;
        var options = Options.Create(new VaultOptions { DnsSuffix = "vault.test", DefaultVault = defaultVault, PublicPort = port });
        Hosts = new VaultHosts(options);
        Watcher = new VaultStateWatcher(tables, Hosts, options, clock, NullLogger<VaultStateWatcher>.Instance);
        Store = new VaultStore(tables, storage.Resilience, Watcher, clock);
        Directory = new VaultDirectory(Hosts, Watcher);
        PolicyStore = new AccessPolicyStore(tables, storage.Resilience, Store);
        Policies = new AccessPolicies(tables, storage.Resilience);
    }

    public VaultHosts Hosts { get; }
    public VaultStateWatcher Watcher { get; }
    public VaultStore Store { get; }
    public VaultDirectory Directory { get; }
    public AccessPolicyStore PolicyStore { get; }
    public AccessPolicies Policies { get; }

    public Task CreateAsync(string name, string tenant) =>
        Store.CreateAsync(new VaultEntity { Name = name, TenantId = tenant }, [], CancellationToken.None);

    /// <summary>The vault as this instance's snapshot has it now.</summary>
    public Vault Vault(string name) => Watcher.Current.Vaults[name];
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
    public override DateTimeOffset GetUtcNow() => Now;
}
