using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>A deleted key (Az.KeyVault's PSDeletedKeyVaultKeyIdentityItem): recoverable until its scheduled purge.</summary>
public sealed class PSHsmVaultDeletedKey : PSHsmVaultKeyIdentityItem
{
    private PSHsmVaultDeletedKey(string vaultName, JsonNode item, string kid) : base(vaultName, item, kid)
    {
        RecoveryId = Wire.Text(item["recoveryId"]);
        DeletedDate = Wire.Time(item["deletedDate"]);
        ScheduledPurgeDate = Wire.Time(item["scheduledPurgeDate"]);
    }

    public string? RecoveryId { get; }
    public DateTime? DeletedDate { get; }
    public DateTime? ScheduledPurgeDate { get; }

    /// <summary>A deleted-key list item (kid at the top) or bundle (kid inside "key").</summary>
    public static new PSHsmVaultDeletedKey From(string vaultName, JsonNode item) =>
        new(vaultName, item, (item["kid"] ?? item["key"]!["kid"])!.GetValue<string>());
}

/// <summary>A deleted secret (Az.KeyVault's PSDeletedKeyVaultSecretIdentityItem): never a value.</summary>
public sealed class PSHsmVaultDeletedSecret : PSHsmVaultSecretIdentityItem
{
    private PSHsmVaultDeletedSecret(string vaultName, JsonNode item) : base(vaultName, item)
    {
        RecoveryId = Wire.Text(item["recoveryId"]);
        DeletedDate = Wire.Time(item["deletedDate"]);
        ScheduledPurgeDate = Wire.Time(item["scheduledPurgeDate"]);
    }

    public string? RecoveryId { get; }
    public DateTime? DeletedDate { get; }
    public DateTime? ScheduledPurgeDate { get; }

    public static new PSHsmVaultDeletedSecret From(string vaultName, JsonNode item) => new(vaultName, item);
}
