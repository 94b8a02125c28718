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

    /// <summary>What is wrong with these settings, one line each naming the setting; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (Uri.CheckHostName(DnsSuffix) != UriHostNameType.Dns)
            yield return $"{Section}:DnsSuffix must be a DNS name such as vault.example.com; got '{DnsSuffix}'.";
        if (!VaultNames.IsValid(DefaultVault))
            yield return $"{Section}:DefaultVault must be a vault name (3-24 letters, digits and hyphens, starting with a letter); got '{DefaultVault}'.";
        if (PublicPort is < 1 or > 65535)
            yield return $"{Section}:PublicPort must be between 1 and 65535; got {PublicPort}.";
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromMinutes(1))
            yield return $"{Section}:PollInterval must be between 00:00:00.010 and 00:01:00; got {PollInterval}.";
        if (MaxStaleness < PollInterval || MaxStaleness > TimeSpan.FromMinutes(5))
            yield return $"{Section}:MaxStaleness must be at least PollInterval ({PollInterval}) and at most 00:05:00; got {MaxStaleness}.";
    }
}
