using HsmVault.Audit;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Audit;

/// <summary>
/// A record query for one key reads only the hours the usage aggregates name for that key: the aggregates are the index by
/// object, so "who used this key this month" does not read every busy hour of the vault.
/// </summary>
public sealed class AuditQueryIndexTests
{
    private static readonly DateTimeOffset Hour0 = new(2031, 11, 3, 10, 0, 0, TimeSpan.Zero);

    private static AuditRecord Record(int i, int hour, string key, string vault) => new(
        Hour0.AddHours(hour).AddMinutes(i), vault, "oid-1", null, "tenant-1", "127.0.0.1", "KeySign", $"keys/{key}/{i:x32}", "ES256",
        200, "Success", 1, $"corr-{hour}-{key}-{i}");

    [Fact]
    public async Task A_query_by_key_reads_only_the_hours_in_which_the_key_was_used()
    {
        var vault = "q" + Guid.NewGuid().ToString("N")[..10];
        await using var store = new AuditStoreFixture();
        await store.StartAsync();
        for (var i = 0; i < 5; i++) await store.Log.WriteAsync(Record(i, 0, "k1", vault));
        for (var i = 0; i < 4; i++) await store.Log.WriteAsync(Record(i, 1, "k2", vault));
        for (var i = 0; i < 3; i++) await store.Log.WriteAsync(Record(i, 2, "k1", vault));
        await store.Log.FlushAsync();
        // A k1 line slipped into hour 1 behind the writer's back (the verifier names it); the index never sends a k1 query there.
        var hour1 = AuditBlobNames.Segment(AuditBlobNames.ResourceId(store.Options.ResourceIdPrefix, vault), Hour0.AddHours(1), 0);
        var lines = await store.LinesAsync(hour1);
        await store.RewriteAsync(hour1, [.. lines, lines[0].Replace("/keys/k2/", "/keys/k1/").Replace("\"seq\":", "\"seq\":9")]);

        var query = new AuditQuery(store.Blobs, store.Tables, store.Journal, Options.Create(store.Options));
        var range = (Start: Hour0, End: Hour0.AddHours(3));
        var (k1, next) = await query.RecordsAsync(vault, new AuditFilter(range.Start, range.End, Object: "keys/K1"), 100, null, CancellationToken.None);
        Assert.Null(next);
        Assert.Equal(8, k1.Count);
        Assert.All(k1, r => Assert.Contains("/keys/k1/", r.GetProperty("properties").GetProperty("id").GetString()));
        Assert.Equal(k1.OrderByDescending(r => r.GetProperty("time").GetDateTimeOffset()).ToList(), k1); // newest first

        var (k2, _) = await query.RecordsAsync(vault, new AuditFilter(range.Start, range.End, Object: "keys/k2"), 100, null, CancellationToken.None);
        Assert.Equal(4, k2.Count);
        var (all, _) = await query.RecordsAsync(vault, new AuditFilter(range.Start, range.End), 100, null, CancellationToken.None);
        Assert.Equal(13, all.Count); // without an object, every hour is read, the slipped-in line too
    }
}
