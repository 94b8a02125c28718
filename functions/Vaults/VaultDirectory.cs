using HsmVault.Objects;

namespace HsmVault.Vaults;

/// <summary>Finds the vault a request addresses (from its Host header) in this instance's fresh vault snapshot; no table read.</summary>
public sealed class VaultDirectory(VaultHosts hosts, VaultStateWatcher watcher)
{
    public string? VaultNameFromHost(string host) => hosts.VaultNameFromHost(host);

    public Uri BaseUriOf(string vaultName) => hosts.BaseUriOf(vaultName);

    public async Task<Vault> ResolveAsync(string host, CancellationToken ct)
    {
        var name = hosts.VaultNameFromHost(host)
            ?? throw VaultException.NotFound("VaultNotFound", "The host name does not address a vault of this service.");
        var snapshot = await watcher.FreshAsync(ct);
        return snapshot.Vaults.TryGetValue(name, out var vault) ? vault : throw VaultStore.NotFound(name);
    }
}
