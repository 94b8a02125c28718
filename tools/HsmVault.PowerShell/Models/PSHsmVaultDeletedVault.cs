using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>A deleted vault (Az.KeyVault's PSDeletedKeyVault): recoverable with Undo-HsmVaultRemoval until its scheduled purge.</summary>
public sealed class PSHsmVaultDeletedVault
{
    public string VaultName { get; init; } = "";
    public string Id { get; init; } = "";
    /// <summary>The resource id the vault had (and gets back when recovered).</summary>
    public string ResourceId { get; init; } = "";
    public DateTime? DeletionDate { get; init; }
    public DateTime? ScheduledPurgeDate { get; init; }
    public bool PurgeProtectionEnabled { get; init; }
    public Hashtable Tags { get; init; } = new();

    public static PSHsmVaultDeletedVault From(JsonNode json)
    {
        var p = json["properties"]!;
        return new PSHsmVaultDeletedVault
        {
            VaultName = json["name"]!.GetValue<string>(),
            Id = Wire.Text(json["id"]) ?? "",
            ResourceId = Wire.Text(p["vaultId"]) ?? "",
            DeletionDate = Date(p["deletionDate"]),
            ScheduledPurgeDate = Date(p["scheduledPurgeDate"]),
            PurgeProtectionEnabled = Wire.Bool(p["purgeProtectionEnabled"]) ?? false,
            Tags = Wire.Tags(p["tags"]),
        };
    }

    /// <summary>ARM's deletedVaults carry ISO 8601 times, not the data plane's Unix seconds.</summary>
    private static DateTime? Date(JsonNode? value) => Wire.Text(value) is { } text
        ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).UtcDateTime
        : null;
}
