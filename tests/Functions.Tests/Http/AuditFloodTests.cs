using System.Diagnostics;
using System.Text.Json;
using HsmVault.Audit;
using HsmVault.Tests.Audit;

namespace HsmVault.Tests.Http;

/// <summary>
/// A bounded flood of bad tokens (at most 10 s) while an authorized caller keeps working: the log grows by aggregates only
/// (no record per bad request), their counts add up to at least the flood, and every authorized request succeeds.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class AuditFloodTests(HostFixture host)
{
    [Fact]
    public async Task Bad_tokens_are_counted_not_stored_and_authorized_callers_are_unaffected()
    {
        var (name, _, _) = await host.CreateKeyAsync("flood");
        var admin = await host.AdminTokenAsync();
        var marker = "flood-" + Guid.NewGuid().ToString("N")[..8];
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var flood = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 250 && clock.Elapsed < TimeSpan.FromSeconds(10); i++)
            {
                var refused = await host.SendAsync(HttpMethod.Get, $"keys/{name}", token: "not.a.token" + i, clientRequestId: $"{marker}-{w}-{i}",
                    via: host.FloodClient);
                // 429 once a pre-authentication limit per address applies: counted all the same.
                Assert.True((int)refused.Status is 401 or 429, $"bad token answered {(int)refused.Status}");
                Interlocked.Increment(ref sent);
            }
        })).ToList();
        var authorized = 0;
        while (flood.Any(t => !t.IsCompleted))
        {
            (await host.SendAsync(HttpMethod.Get, $"keys/{name}", token: admin)).AssertStatus(200);
            authorized++;
        }
        await Task.WhenAll(flood);
        Assert.True(authorized > 0 && sent > 100, $"sent {sent}, authorized {authorized}");

        var aggregates = new List<JsonElement>();
        for (var wait = 0; wait < 40; wait++) // windows close every 2 s
        {
            await Task.Delay(500);
            aggregates = await StoredAuditRecords.ReadAsync(r => r.GetProperty("operationName").GetString() == UnauthenticatedCounter.Operation
                && r.GetProperty("time").GetDateTimeOffset() >= started && r.GetProperty("resourceId").GetString()!.EndsWith("/VAULTS/DEFAULT"));
            if (aggregates.Sum(a => a.GetProperty("properties").GetProperty("count").GetInt64()) >= sent) break;
        }
        Assert.True(aggregates.Sum(a => a.GetProperty("properties").GetProperty("count").GetInt64()) >= sent);
        // A handful of aggregates (per window and key), nowhere near one per request.
        Assert.InRange(aggregates.Count, 1, 40);
        Assert.Empty(await StoredAuditRecords.ReadAsync(r => r.GetProperty("correlationId").GetString()!.StartsWith(marker)));
    }
}
