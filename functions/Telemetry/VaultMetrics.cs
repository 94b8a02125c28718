using System.Diagnostics;
using System.Diagnostics.Metrics;
using static HsmVault.Telemetry.HsmVaultTelemetry;

namespace HsmVault.Telemetry;

/// <summary>The service's instruments on the "HsmVault" meter, and one method per thing measured.</summary>
public static class VaultMetrics
{
    // Latency buckets in seconds: sub-millisecond cache hits up to multi-second HSM key generation.
    private static readonly IReadOnlyList<double> Seconds =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly IReadOnlyList<int> Records = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

    private static readonly Counter<long> Requests = HsmVaultTelemetry.Meter.CreateCounter<long>("hsmvault.requests", "{request}",
        "Requests answered, by operation and result.");
    private static readonly Histogram<double> RequestDuration = HsmVaultTelemetry.Meter.CreateHistogram<double>("hsmvault.request.duration", "s",
        "Time from a request's arrival to its answer (including its durable audit record).", advice: new() { HistogramBucketBoundaries = Seconds });
    private static readonly Histogram<double> HsmDuration = HsmVaultTelemetry.Meter.CreateHistogram<double>("hsmvault.hsm.operation.duration", "s",
        "Time of one PKCS#11 operation (each retry attempt counts once).", advice: new() { HistogramBucketBoundaries = Seconds });
    private static readonly Histogram<int> AuditCommitRecords = HsmVaultTelemetry.Meter.CreateHistogram<int>("hsmvault.audit.commit.records", "{record}",
        "Records stored by one group commit of the audit log.", advice: new() { HistogramBucketBoundaries = Records });
    private static readonly Histogram<double> AuditCommitDuration = HsmVaultTelemetry.Meter.CreateHistogram<double>("hsmvault.audit.commit.duration", "s",
        "Time of one group commit of the audit log.", advice: new() { HistogramBucketBoundaries = Seconds });
    private static readonly Counter<long> CacheLookups = HsmVaultTelemetry.Meter.CreateCounter<long>("hsmvault.cache.lookups", "{lookup}",
        "Lookups of a hot-path cache, by cache and hit or miss (the hit ratio is hits over all).");

    public static void Request(string operation, string result, int status, TimeSpan elapsed)
    {
        if (!Requests.Enabled && !RequestDuration.Enabled) return;
        var tags = new TagList { { OperationTag, operation }, { ResultTag, result }, { StatusCodeTag, status } };
        Requests.Add(1, tags);
        RequestDuration.Record(elapsed.TotalSeconds, tags);
    }

    public static void HsmOperation(string operation, string? errorType, TimeSpan elapsed)
    {
        if (!HsmDuration.Enabled) return;
        var tags = new TagList { { HsmOperationTag, operation } };
        if (errorType is not null) tags.Add(ErrorTypeTag, errorType);
        HsmDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>One group commit; recorded whenever anything listens (an exporter, or dotnet-counters in the benchmark).</summary>
    public static void AuditCommit(int records, TimeSpan elapsed)
    {
        if (!AuditCommitRecords.Enabled && !AuditCommitDuration.Enabled) return;
        AuditCommitRecords.Record(records);
        AuditCommitDuration.Record(elapsed.TotalSeconds);
    }

    /// <summary>One lookup of the named cache.</summary>
    public static void CacheLookup(string cache, bool hit)
    {
        if (CacheLookups.Enabled) CacheLookups.Add(1, new KeyValuePair<string, object?>(CacheTag, cache), new(CacheResultTag, hit ? "hit" : "miss"));
    }

    /// <summary>Cache names (the values of <see cref="HsmVaultTelemetry.CacheTag"/>).</summary>
    public static class Caches
    {
        public const string Grants = "grants", VaultState = "vault_state", Tokens = "tokens", KeyRows = "key_rows", SecretRows = "secret_rows";
    }
}
