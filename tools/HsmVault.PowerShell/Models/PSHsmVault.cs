using System.Collections;
using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>A vault, shaped like Az.KeyVault's PSKeyVault where the concepts match.</summary>
public sealed class PSHsmVault
{
    public string VaultName { get; init; } = "";
    public string ResourceId { get; init; } = "";
    public string VaultUri { get; init; } = "";
    public string TenantId { get; init; } = "";
    public bool Enabled { get; init; }
    public int SoftDeleteRetentionInDays { get; init; }
    public string HsmTokenLabel { get; init; } = "";
    public bool EnableSoftDelete { get; init; }
    public bool EnablePurgeProtection { get; init; }
    public DateTime? CreatedAt { get; init; }
    public DateTime? UpdatedAt { get; init; }
    public PSHsmVaultAccessPolicy[] AccessPolicies { get; init; } = [];
    public Hashtable Tags { get; init; } = new();

    public static PSHsmVault From(JsonNode json)
    {
        var p = json["properties"]!;
        var name = json["name"]!.GetValue<string>();
        return new PSHsmVault
        {
            VaultName = name,
            ResourceId = Wire.Text(json["id"]) ?? "",
            VaultUri = Wire.Text(p["vaultUri"]) ?? "",
            TenantId = Wire.Text(p["tenantId"]) ?? "",
            Enabled = Wire.Bool(p["enabled"]) ?? true,
            SoftDeleteRetentionInDays = p["softDeleteRetentionInDays"]?.GetValue<int>() ?? 0,
            HsmTokenLabel = Wire.Text(p["hsmTokenLabel"]) ?? "",
            EnableSoftDelete = Wire.Bool(p["enableSoftDelete"]) ?? true,
            EnablePurgeProtection = Wire.Bool(p["enablePurgeProtection"]) ?? false,
            CreatedAt = Wire.Time(p["createdAt"]),
            UpdatedAt = Wire.Time(p["updatedAt"]),
            AccessPolicies = p["accessPolicies"]?.AsArray().Select(e => PSHsmVaultAccessPolicy.From(name, e!)).ToArray() ?? [],
            Tags = Wire.Tags(json["tags"]),
        };
    }
}
