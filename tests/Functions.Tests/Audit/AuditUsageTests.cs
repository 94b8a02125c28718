using HsmVault.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmVault.Tests.Audit;

/// <summary>
/// Usage aggregates written beside the blobs by each writer: the auditor's usage query over them gives exactly the counts of
/// the records written (by hour and by day, across two writers' chains), and ignores vault-wide operations and aggregates of
/// unauthenticated failures.
/// </summary>
public sealed class AuditUsageTests
{
    private static readonly DateTimeOffset Start = new(2031, 7, 8, 22, 5, 0, TimeSpan.Zero); // spans midnight: two day partitions

    private static AuditRecord Record(int i, string vault) => new(
        Start.AddMinutes(i % 180), vault, $"oid-{i % 3}", null, "tenant-1", "127.0.0.1",
        i % 5 == 0 ? "SecretGet" : "KeySign", i % 5 == 0 ? "secrets/s1/00112233445566778899aabbccddeeff" : $"keys/K{i % 4}/{i:x32}",
        null, i % 7 == 0 ? 403 : 200, i % 7 == 0 ? "AccessDenied" : "Success", 1, $"corr-{i}");

    [Fact]
    public async Task Usage_counts_are_exactly_the_records_by_object_operation_caller_result_and_period()
    {
        var vault = "u" + Guid.NewGuid().ToString("N")[..10];
        await using var store = new AuditStoreFixture();
        await store.StartAsync();
        // A second writer (another instance) on the same storage, with its own chain.
        var other = new AuditLog(store.Journal, store.Segments, store.Tables, Microsoft.Extensions.Options.Options.Create(store.Options), TimeProvider.System,
            NullLogger<AuditLog>.Instance);
        await other.StartAsync(CancellationToken.None);
        var records = Enumerable.Range(0, 600).Select(i => Record(i, vault)).ToList();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < records.Count; i += 6) await (w % 2 == 0 ? store.Log : other).WriteAsync(records[i]);
        })));
        // Not counted: a vault-wide operation and an aggregate of failures before authentication.
        await store.Log.WriteAsync(Record(1, vault) with { ObjectId = null, Operation = "KeyList" });
        await store.Log.WriteAsync(Record(2, vault) with { CallerObjectId = null, Count = 40, Operation = UnauthenticatedCounter.Operation });
        await other.StopAsync(CancellationToken.None);

        var query = new AuditQuery(store.Blobs, store.Tables, store.Journal, Microsoft.Extensions.Options.Options.Create(store.Options));
        var (hourly, lastUse) = await query.UsageAsync(vault, Start, Start.AddHours(3), daily: false, CancellationToken.None);
        var expected = records
            .GroupBy(r => (Object: string.Join('/', r.ObjectId!.Split('/').Take(2)).ToLowerInvariant(), Period: Hour(r.Time), r.Operation,
                Caller: r.CallerObjectId!, Result: r.Status == 200 ? "Success" : "Failure"))
            .ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()).ToList(),
            hourly.Select(c => KeyValuePair.Create((c.Key, c.Period, c.Operation, c.Caller, c.Result), c.Count)).OrderBy(e => e.Key.ToString()).ToList());
        Assert.Equal(records.Where(r => r.ObjectId!.StartsWith("keys/K1/")).Max(r => r.Time), lastUse["keys/k1"]);

        var (daily, _) = await query.UsageAsync(vault, Start, Start.AddHours(3), daily: true, CancellationToken.None);
        Assert.Equal(2, daily.Select(c => c.Period).Distinct().Count());
        Assert.Equal(records.Count, daily.Sum(c => c.Count));
        Assert.Equal(records.Count(r => r.Time.UtcDateTime.Day == 9 && r.ObjectId!.StartsWith("keys/K0/")),
            daily.Where(c => c.Key == "keys/k0" && c.Period.Day == 9).Sum(c => c.Count));

        // A range of one hour reads only that hour.
        var (oneHour, _) = await query.UsageAsync(vault, Start.AddHours(1), Start.AddHours(1), daily: false, CancellationToken.None);
        Assert.Equal(records.Count(r => Hour(r.Time) == Hour(Start.AddHours(1))), oneHour.Sum(c => c.Count));
    }

    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);
}
