namespace HsmVault.Vaults;

public sealed class VaultOptions
{
    public const string Section = "HsmVault:Vaults";
    /// <summary>Vault host names are <c>{vault}.{DnsSuffix}</c>; the bare suffix addresses <see cref="DefaultVault"/>.</summary>
    public string DnsSuffix { get; set; } = "localhost";
    public string DefaultVault { get; set; } = "default";
    /// <summary>Port in the vault's public base URI (omitted when 443).</summary>
    public int PublicPort { get; set; } = 443;
    /// <summary>How often each instance re-reads every vault row (enabled, tenant, policy stamp).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
    /// <summary>
    /// Oldest vault state a request may be decided on. Older (storage unreachable): 503, never stale grants.
    /// This bounds how late a revocation takes effect on any instance.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(1);
}
