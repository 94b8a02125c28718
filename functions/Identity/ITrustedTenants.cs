namespace HsmVault.Identity;

/// <summary>Tenants whose tokens may be validated besides the configured one (e.g. tenants that own a vault).</summary>
public interface ITrustedTenants
{
    bool IsTrusted(string tenantId);
}
