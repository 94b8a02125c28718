namespace HsmVault.Management;

/// <summary>The operator plane's operations, as audit names them (the data plane's equivalents are KeyOperations, SecretOperations).</summary>
public static class ManagementOperations
{
    public const string VaultList = "VaultList";
    public const string VaultGet = "VaultGet";
    public const string VaultPut = "VaultPut";
    public const string VaultPatch = "VaultPatch";
    public const string VaultDelete = "VaultDelete";
    public const string AccessPolicyList = "AccessPolicyList";
    public const string AccessPolicyPut = "AccessPolicyPut";
    public const string AccessPolicyDelete = "AccessPolicyDelete";
}
