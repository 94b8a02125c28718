using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>One rule of a rotation policy (Az.KeyVault's PSKeyRotationLifetimeAction); durations are ISO 8601 (P90D).</summary>
public sealed class PSHsmVaultKeyRotationLifetimeAction
{
    /// <summary>Rotate or Notify.</summary>
    public string Action { get; set; } = "Rotate";
    public string? TimeAfterCreate { get; set; }
    public string? TimeBeforeExpiry { get; set; }

    public JsonObject ToJson()
    {
        var trigger = new JsonObject();
        if (TimeAfterCreate is not null) trigger["timeAfterCreate"] = TimeAfterCreate;
        if (TimeBeforeExpiry is not null) trigger["timeBeforeExpiry"] = TimeBeforeExpiry;
        return new JsonObject { ["trigger"] = trigger, ["action"] = new JsonObject { ["type"] = Action } };
    }

    public override string ToString() => $"{Action} {(TimeAfterCreate is null ? "" : $"{TimeAfterCreate} after create")}{(TimeBeforeExpiry is null ? "" : $"{TimeBeforeExpiry} before expiry")}";
}

/// <summary>A key's rotation policy (Az.KeyVault's PSKeyRotationPolicy).</summary>
public sealed class PSHsmVaultKeyRotationPolicy
{
    public string VaultName { get; init; } = "";
    public string KeyName { get; init; } = "";
    public string? Id { get; init; }
    public PSHsmVaultKeyRotationLifetimeAction[] LifetimeActions { get; init; } = [];
    /// <summary>How long new versions are valid (ISO 8601 duration), set as their expiry on rotation.</summary>
    public string? ExpiresIn { get; init; }
    public DateTime? CreatedOn { get; init; }
    public DateTime? UpdatedOn { get; init; }

    public static PSHsmVaultKeyRotationPolicy From(string vaultName, string keyName, JsonNode json) => new()
    {
        VaultName = vaultName, KeyName = keyName, Id = Wire.Text(json["id"]),
        LifetimeActions = json["lifetimeActions"]?.AsArray().Select(a => new PSHsmVaultKeyRotationLifetimeAction
        {
            Action = Wire.Text(a?["action"]?["type"]) ?? "",
            TimeAfterCreate = Wire.Text(a?["trigger"]?["timeAfterCreate"]),
            TimeBeforeExpiry = Wire.Text(a?["trigger"]?["timeBeforeExpiry"]),
        }).ToArray() ?? [],
        ExpiresIn = Wire.Text(json["attributes"]?["expiryTime"]),
        CreatedOn = Wire.Time(json["attributes"]?["created"]),
        UpdatedOn = Wire.Time(json["attributes"]?["updated"]),
    };
}
