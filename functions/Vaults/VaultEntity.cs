using Azure;
using Azure.Data.Tables;
using HsmVault.Objects;

namespace HsmVault.Vaults;

/// <summary>
/// Row of a vault in the vaults table: PartitionKey the lower-case vault name, RowKey "vault". The vault's access
/// policies live in the same partition, so a policy change and the <see cref="PolicyStamp"/> bump commit together.
/// </summary>
public sealed class VaultEntity : ITableEntity
{
    public const string Row = "vault";
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string TenantId { get; set; } = "";
    public bool Enabled { get; set; } = true;
    /// <summary>A deleted vault keeps its row (and so its name and its keys' partition) until purged.</summary>
    public bool Deleted { get; set; }
    public DateTimeOffset? DeletedOn { get; set; }
    public int SoftDeleteRetentionDays { get; set; } = 90;
    /// <summary>ARM's enablePurgeProtection: once on, never off; a purge before the retention has passed is refused.</summary>
    public bool EnablePurgeProtection { get; set; }
    /// <summary>A purge of this deleted vault has begun; the vault purge sweep finishes it.</summary>
    public bool Purging { get; set; }
    public string HsmTokenLabel { get; set; } = "";
    /// <summary>A customer's own HSM (see <see cref="HsmBinding"/>); an empty module path means the deployment's token.</summary>
    public string HsmModulePath { get; set; } = "";
    public string HsmTokenSerial { get; set; } = "";
    public string HsmPinReference { get; set; } = "";

    public HsmBinding? Binding() => string.IsNullOrEmpty(HsmModulePath)
        ? null
        : new HsmBinding(HsmModulePath, NullIfEmpty(HsmTokenLabel), NullIfEmpty(HsmTokenSerial), HsmPinReference);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
    /// <summary>Tags as a JSON object of strings.</summary>
    public string Tags { get; set; } = "{}";
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Updated { get; set; }
    /// <summary>Changes on every vault or policy change; instances reload a vault's grants when it differs.</summary>
    public string PolicyStamp { get; set; } = "";
}
