namespace HsmVault.Throttling;

/// <summary>Request limits like Key Vault's service limits: per vault, and per caller within a vault. Bound from "HsmVault:Throttling".</summary>
public sealed class ThrottlingOptions
{
    public const string Section = "HsmVault:Throttling";
    public int VaultRequestsPerSecond { get; set; } = 20000;
    public int CallerRequestsPerSecond { get; set; } = 10000;
    /// <summary>Overrides for single vaults, by vault name.</summary>
    public Dictionary<string, VaultThrottling> Vaults { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class VaultThrottling
{
    public int? VaultRequestsPerSecond { get; set; }
    public int? CallerRequestsPerSecond { get; set; }
}
