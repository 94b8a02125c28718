namespace HsmVault.Keys;

/// <summary>Per-vault quotas on keys, bound from "HsmVault:Quotas"; <see cref="Vaults"/> overrides them for single vaults.</summary>
public sealed class QuotaOptions
{
    public const string Section = "HsmVault:Quotas";
    /// <summary>Key names a vault may hold, live or soft-deleted (each holds HSM objects until purged).</summary>
    public int MaxKeysPerVault { get; set; } = 25_000;
    /// <summary>Versions one key may have.</summary>
    public int MaxVersionsPerKey { get; set; } = 500;
    /// <summary>New HSM keys (create, import, rotate, restore) a vault may make per second, bursting up to one second's worth.</summary>
    public int KeyCreatesPerSecond { get; set; } = 50;
    public Dictionary<string, VaultQuotas> Vaults { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public VaultQuotas For(string vault)
    {
        var o = Vaults.TryGetValue(vault, out var v) ? v : null;
        return new VaultQuotas
        {
            MaxKeysPerVault = o?.MaxKeysPerVault ?? MaxKeysPerVault,
            MaxVersionsPerKey = o?.MaxVersionsPerKey ?? MaxVersionsPerKey,
            KeyCreatesPerSecond = o?.KeyCreatesPerSecond ?? KeyCreatesPerSecond,
        };
    }

    public IEnumerable<string> Problems()
    {
        foreach (var p in Check("", MaxKeysPerVault, MaxVersionsPerKey, KeyCreatesPerSecond)) yield return p;
        foreach (var (vault, q) in Vaults)
            foreach (var p in Check($"Vaults:{vault}:", q.MaxKeysPerVault, q.MaxVersionsPerKey, q.KeyCreatesPerSecond)) yield return p;
    }

    private static IEnumerable<string> Check(string prefix, int? keys, int? versions, int? creates)
    {
        if (keys is < 1 or > 10_000_000) yield return $"{Section}:{prefix}MaxKeysPerVault must be between 1 and 10000000; got {keys}.";
        if (versions is < 1 or > 100_000) yield return $"{Section}:{prefix}MaxVersionsPerKey must be between 1 and 100000; got {versions}.";
        if (creates is < 1 or > 100_000) yield return $"{Section}:{prefix}KeyCreatesPerSecond must be between 1 and 100000; got {creates}.";
    }
}

public sealed class VaultQuotas
{
    public int? MaxKeysPerVault { get; set; }
    public int? MaxVersionsPerKey { get; set; }
    public int? KeyCreatesPerSecond { get; set; }
}
