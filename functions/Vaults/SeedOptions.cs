namespace HsmVault.Vaults;

/// <summary>Vaults and access policies created at start from configuration, so a fresh run has a working vault at once.</summary>
public sealed class SeedOptions
{
    public const string Section = "HsmVault:Seed";
    public List<SeedVault> Vaults { get; set; } = [];
}

public sealed class SeedVault
{
    public string Name { get; set; } = "";
    /// <summary>Tenant that owns the vault; defaults to HsmVault:Auth:TenantId.</summary>
    public string? TenantId { get; set; }
    public List<SeedAccessPolicy> AccessPolicies { get; set; } = [];
}

public sealed class SeedAccessPolicy
{
    public string ObjectId { get; set; } = "";
    /// <summary>Optional key scope: a key name or "prefix*"; empty means the whole vault.</summary>
    public string? Key { get; set; }
    public string? ApplicationId { get; set; }
    /// <summary>Comma-separated Key Vault key permissions, or "all".</summary>
    public string Keys { get; set; } = "";
    public string Secrets { get; set; } = "";
}
