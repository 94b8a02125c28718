using System.Collections;
using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>What keys and secrets share in lists and bundles: the id's parts, the attributes and the tags.</summary>
public abstract class PSHsmVaultObjectItem
{
    protected PSHsmVaultObjectItem(string vaultName, string id, JsonNode item)
    {
        var (name, version) = Wire.NameAndVersion(id);
        var a = item["attributes"];
        VaultName = vaultName; Name = name; Version = version; Id = id;
        Enabled = Wire.Bool(a?["enabled"]) ?? true; Expires = Wire.Time(a?["exp"]); NotBefore = Wire.Time(a?["nbf"]);
        Created = Wire.Time(a?["created"]); Updated = Wire.Time(a?["updated"]); RecoveryLevel = Wire.Text(a?["recoveryLevel"]);
        Managed = Wire.Bool(item["managed"]) ?? false; Tags = Wire.Tags(item["tags"]);
    }

    public string VaultName { get; }
    public string Name { get; }
    public string? Version { get; }
    public string Id { get; }
    public bool Enabled { get; }
    public DateTime? Expires { get; }
    public DateTime? NotBefore { get; }
    public DateTime? Created { get; }
    public DateTime? Updated { get; }
    public string? RecoveryLevel { get; }
    public bool Managed { get; }
    public Hashtable Tags { get; }
}
