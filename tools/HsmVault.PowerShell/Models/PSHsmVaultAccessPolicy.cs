using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>An access policy entry, shaped like Az.KeyVault's PSKeyVaultAccessPolicy, plus the key scope (KeyName).</summary>
public sealed class PSHsmVaultAccessPolicy
{
    public string VaultName { get; init; } = "";
    public string TenantId { get; init; } = "";
    public string ObjectId { get; init; } = "";
    public string? ApplicationId { get; init; }
    /// <summary>The key (or name prefix "payments-*") the entry is limited to; empty for the whole vault.</summary>
    public string? KeyName { get; init; }
    public string[] PermissionsToKeys { get; init; } = [];
    public string[] PermissionsToSecrets { get; init; } = [];

    public static PSHsmVaultAccessPolicy From(string vaultName, JsonNode json) => new()
    {
        VaultName = vaultName,
        TenantId = Wire.Text(json["tenantId"]) ?? "",
        ObjectId = Wire.Text(json["objectId"]) ?? "",
        ApplicationId = Wire.Text(json["applicationId"]),
        KeyName = Wire.Text(json["key"]),
        PermissionsToKeys = Wire.Strings(json["permissions"]?["keys"]),
        PermissionsToSecrets = Wire.Strings(json["permissions"]?["secrets"]),
    };
}
