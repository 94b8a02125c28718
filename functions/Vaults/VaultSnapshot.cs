using HsmVault.Objects;
namespace HsmVault.Vaults;

/// <summary>Every live (not deleted) vault as of one poll of the vaults table. Immutable; replaced whole.</summary>
public sealed class VaultSnapshot(IReadOnlyDictionary<string, Vault> vaults, DateTimeOffset polledAt)
{
    public static readonly VaultSnapshot Empty = new(new Dictionary<string, Vault>(), DateTimeOffset.MinValue);

    public IReadOnlyDictionary<string, Vault> Vaults { get; } = vaults;
    /// <summary>When the read this snapshot reflects started; the snapshot is at least this fresh.</summary>
    public DateTimeOffset PolledAt { get; } = polledAt;

    public IReadOnlySet<string> Tenants { get; } =
        vaults.Values.Select(v => v.TenantId).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public VaultSnapshot With(string name, Vault? vault)
    {
        var copy = new Dictionary<string, Vault>(Vaults, StringComparer.OrdinalIgnoreCase);
        if (vault is null) copy.Remove(name); else copy[name] = vault;
        return new VaultSnapshot(copy, PolledAt);
    }
}
