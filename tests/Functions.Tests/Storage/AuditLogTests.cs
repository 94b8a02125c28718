using HsmVault.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmVault.Tests.Storage;

public sealed class AuditLogTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    [Fact]
    public async Task Every_record_is_stored_once_with_its_fields()
    {
        var vaults = new[] { "a" + Guid.NewGuid().ToString("N")[..10], "b" + Guid.NewGuid().ToString("N")[..10] };
        var baseTime = new DateTimeOffset(2031, 5, 6, 7, 50, 0, TimeSpan.Zero);
        const int count = 257; // more than two batches; spans two hours, so several partitions per vault
        var records = Enumerable.Range(0, count).Select(i => new AuditRecord(
            baseTime.AddSeconds(i * 3), vaults[i % 2], $"oid-{i}", i % 3 == 0 ? null : $"app-{i}", "tenant-1", "127.0.0.1",
            i % 2 == 0 ? "KeySign" : "KeyGet", $"keys/k{i}/{i:x32}", i % 2 == 0 ? "RS256" : null, i % 5 == 0 ? 403 : 200,
            i % 5 == 0 ? "AccessDenied" : "Success", 1.5 + i, $"corr-{i}")).ToList();

        var log = new AuditLog(storage.Tables, TimeProvider.System, NullLogger<AuditLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < count; i += 4) await log.WriteAsync(records[i]);
        })));
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await log.StopAsync(stopTimeout.Token);

        var rows = new List<AuditEntity>();
        await foreach (var row in storage.Tables.Audit.QueryAsync<AuditEntity>(e => e.Vault == vaults[0] || e.Vault == vaults[1]))
            rows.Add(row);

        Assert.Equal(count, rows.Count);
        Assert.Equal(count, rows.Select(r => r.RowKey).Distinct().Count());
        var byCorrelation = rows.ToDictionary(r => r.CorrelationId);
        foreach (var r in records)
        {
            var row = byCorrelation[r.CorrelationId];
            Assert.Equal(r.Time, row.Time);
            Assert.Equal($"{r.Vault}|{r.Time.UtcDateTime:yyyyMMddHH}", row.PartitionKey);
            Assert.Equal((r.Vault, r.CallerObjectId, r.CallerAppId, r.CallerTenantId, r.ClientIp),
                (row.Vault, row.CallerObjectId, row.CallerAppId, row.CallerTenantId, row.ClientIp));
            Assert.Equal((r.Operation, r.ObjectId, r.Algorithm, r.Status, r.Result, r.LatencyMs),
                (row.Operation, row.ObjectId, row.Algorithm, row.Status, row.Result, row.LatencyMs));
        }
    }

    [Fact]
    public void Newer_records_sort_first_within_a_partition()
    {
        var t = DateTimeOffset.UtcNow;
        AuditRecord At(DateTimeOffset time) => new(time, "v", null, null, null, null, "KeyGet", null, null, 200, "Success", 1, "c");
        var older = AuditEntity.From(At(t));
        var newer = AuditEntity.From(At(t.AddMilliseconds(1)));
        Assert.True(string.CompareOrdinal(newer.RowKey, older.RowKey) < 0);
        Assert.NotEqual(AuditEntity.From(At(t)).RowKey, older.RowKey); // same instant, still unique
    }
}
