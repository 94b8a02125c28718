namespace HsmVault.Vaults;

public sealed class VaultOptions
{
    public const string Section = "HsmVault:Vaults";
    /// <summary>Vault host names are <c>{vault}.{DnsSuffix}</c>; the bare suffix addresses <see cref="DefaultVault"/>.</summary>
    public string DnsSuffix { get; set; } = "localhost";
    public string DefaultVault { get; set; } = "default";
    /// <summary>Port in the vault's public base URI (omitted when 443).</summary>
    public int PublicPort { get; set; } = 443;
}
