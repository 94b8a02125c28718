namespace HsmVault.Throttling;

/// <summary>Request limits like Key Vault's service limits: per vault, and per caller within a vault. Bound from "HsmVault:Throttling".</summary>
public sealed class ThrottlingOptions
{
    public const string Section = "HsmVault:Throttling";
    public int VaultRequestsPerSecond { get; set; } = 20000;
    public int CallerRequestsPerSecond { get; set; } = 10000;
    /// <summary>Overrides for single vaults, by vault name.</summary>
    public Dictionary<string, VaultThrottling> Vaults { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What is wrong with these settings, one line each naming the setting; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (VaultRequestsPerSecond < 1) yield return $"{Section}:VaultRequestsPerSecond must be at least 1; got {VaultRequestsPerSecond}.";
        if (CallerRequestsPerSecond < 1) yield return $"{Section}:CallerRequestsPerSecond must be at least 1; got {CallerRequestsPerSecond}.";
        foreach (var (vault, limits) in Vaults)
        {
            if (limits.VaultRequestsPerSecond is < 1)
                yield return $"{Section}:Vaults:{vault}:VaultRequestsPerSecond must be at least 1; got {limits.VaultRequestsPerSecond}.";
            if (limits.CallerRequestsPerSecond is < 1)
                yield return $"{Section}:Vaults:{vault}:CallerRequestsPerSecond must be at least 1; got {limits.CallerRequestsPerSecond}.";
        }
    }
}

public sealed class VaultThrottling
{
    public int? VaultRequestsPerSecond { get; set; }
    public int? CallerRequestsPerSecond { get; set; }
}
