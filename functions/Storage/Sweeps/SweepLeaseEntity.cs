using Azure;
using Azure.Data.Tables;

namespace HsmVault.Storage.Sweeps;

/// <summary>
/// One row per sweep in the sweeps table: who holds the lease until when, the scheduled occurrence it last ran for,
/// and how its last run ended. Taken and released with ETags, so two instances never both hold it.
/// </summary>
public sealed class SweepLeaseEntity : ITableEntity
{
    public const string Partition = "sweep";
    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Owner { get; set; } = "";
    public DateTimeOffset LeaseUntil { get; set; }
    /// <summary>The scheduled occurrence the last run was for; an occurrence at or before it is not run again.</summary>
    public DateTimeOffset LastOccurrence { get; set; }
    public DateTimeOffset? LastStarted { get; set; }
    public DateTimeOffset? LastCompleted { get; set; }
    /// <summary>"Succeeded", or "Failed: {exception type}"; never a message (it could carry data).</summary>
    public string LastResult { get; set; } = "";
    public int LastProcessed { get; set; }
    public long Runs { get; set; }
}
