using Azure;
using Azure.Data.Tables;

namespace HsmVault.Audit;

/// <summary>
/// Table row of an audit record. PartitionKey <c>{vault}|{yyyyMMddHH}</c> keeps a vault's hour together for queries;
/// RowKey is reverse time plus a unique suffix, so the newest records come first and none collide.
/// </summary>
public sealed class AuditEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset Time { get; set; }
    public string Vault { get; set; } = "";
    public string? CallerObjectId { get; set; }
    public string? CallerAppId { get; set; }
    public string? CallerTenantId { get; set; }
    public string? ClientIp { get; set; }
    public string Operation { get; set; } = "";
    public string? ObjectId { get; set; }
    public string? Algorithm { get; set; }
    public int Status { get; set; }
    public string Result { get; set; } = "";
    public double LatencyMs { get; set; }
    public string CorrelationId { get; set; } = "";
    /// <summary>BYOK import: the key exchange key that unwrapped the blob.</summary>
    public string? KeyEncryptionKey { get; set; }

    public static AuditEntity From(AuditRecord r) => new()
    {
        PartitionKey = $"{r.Vault}|{r.Time.UtcDateTime:yyyyMMddHH}",
        RowKey = $"{DateTimeOffset.MaxValue.UtcTicks - r.Time.UtcTicks:D19}-{Guid.NewGuid():N}",
        Time = r.Time, Vault = r.Vault, CallerObjectId = r.CallerObjectId, CallerAppId = r.CallerAppId, CallerTenantId = r.CallerTenantId,
        ClientIp = r.ClientIp, Operation = r.Operation, ObjectId = r.ObjectId, Algorithm = r.Algorithm, Status = r.Status,
        Result = r.Result, LatencyMs = r.LatencyMs, CorrelationId = r.CorrelationId, KeyEncryptionKey = r.KeyEncryptionKey,
    };
}
