using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using HsmVault.Storage;
using Microsoft.Extensions.Logging;

namespace HsmVault.Audit;

/// <summary>
/// One instance's count of one (object, operation, caller, result) in one hour. Partition: the vault's day, so a usage query
/// reads one partition per day; each writing chain owns its rows, so an instance replaces its cumulative count and never
/// contends with another.
/// </summary>
public sealed class AuditUsageEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public DateTimeOffset Hour { get; set; }
    /// <summary><c>keys/name</c> or <c>secrets/name</c> (any version), lower case.</summary>
    public string Object { get; set; } = "";
    public string Operation { get; set; } = "";
    public string Caller { get; set; } = "";
    /// <summary>Success or Failure, as the record's resultType.</summary>
    public string Result { get; set; } = "";
    public string Chain { get; set; } = "";
    public long Count { get; set; }
    public DateTimeOffset LastUse { get; set; }

    public static string Partition(string vault, DateTimeOffset day) => $"{vault.ToLowerInvariant()}|{day.UtcDateTime:yyyyMMdd}";
}

/// <summary>
/// Usage aggregates beside the audit blobs, so "how was this key used" reads a few rows instead of every record. Updated by
/// the audit writer after each commit is appended and before its requests are answered: every answered request is counted.
/// </summary>
public sealed class AuditUsageCounter(Tables tables, string chain, TimeProvider clock, ILogger logger)
{
    private readonly Dictionary<(string Partition, string Row), AuditUsageEntity> _rows = new();
    private DateTime _today;

    /// <summary>Counts the batch's authenticated operations on objects; retried until stored (the writer fails closed meanwhile).</summary>
    public async Task AddAsync(IEnumerable<AuditRecord> records)
    {
        var changed = new Dictionary<(string, string), AuditUsageEntity>();
        foreach (var r in records)
        {
            if (r.CallerObjectId is not { } caller || ObjectOf(r.ObjectId) is not { } obj || r.Count is not null) continue;
            var time = r.Time.ToUniversalTime();
            var hour = new DateTimeOffset(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);
            var result = r.Status is >= 200 and < 400 ? "Success" : "Failure";
            var key = (AuditUsageEntity.Partition(r.Vault, hour), RowKey(hour, obj, r.Operation, caller, result));
            if (!_rows.TryGetValue(key, out var row))
                _rows[key] = row = new AuditUsageEntity
                {
                    PartitionKey = key.Item1, RowKey = key.Item2, Hour = hour, Object = obj, Operation = r.Operation, Caller = caller,
                    Result = result, Chain = chain,
                };
            row.Count++;
            if (time > row.LastUse) row.LastUse = time;
            changed[key] = row;
        }
        foreach (var partition in changed.Values.GroupBy(r => r.PartitionKey))
            foreach (var chunk in partition.Chunk(100))
                await StoreAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Copy(r))).ToList());
        ForgetOldDays();
    }

    private Task StoreAsync(List<TableTransactionAction> actions) =>
        AuditRetry.UntilDoneAsync(logger, "usage write", () => tables.AuditUsage.SubmitTransactionAsync(actions));

    /// <summary>Rows of days before yesterday are final: drop them from memory once a new day starts.</summary>
    private void ForgetOldDays()
    {
        var today = clock.GetUtcNow().UtcDateTime.Date;
        if (today == _today) return;
        _today = today;
        foreach (var key in _rows.Where(r => r.Value.Hour.UtcDateTime < today.AddDays(-1)).Select(r => r.Key).ToList()) _rows.Remove(key);
    }

    private static AuditUsageEntity Copy(AuditUsageEntity r) => new()
    {
        PartitionKey = r.PartitionKey, RowKey = r.RowKey, Hour = r.Hour, Object = r.Object, Operation = r.Operation, Caller = r.Caller,
        Result = r.Result, Chain = r.Chain, Count = r.Count, LastUse = r.LastUse,
    };

    /// <summary><c>keys/name</c> of <c>keys/name/version</c> (same for secrets); null for vault-wide operations.</summary>
    internal static string? ObjectOf(string? objectId)
    {
        if (objectId is null) return null;
        var parts = objectId.Split('/');
        return parts.Length >= 2 && parts[0] is "keys" or "secrets" && parts[1].Length > 0 ? $"{parts[0]}/{parts[1]}".ToLowerInvariant() : null;
    }

    private string RowKey(DateTimeOffset hour, string obj, string operation, string caller, string result)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', obj, operation, caller, result, chain)));
        return $"{hour.UtcDateTime:HH}-{Convert.ToHexStringLower(hash, 0, 16)}";
    }
}
