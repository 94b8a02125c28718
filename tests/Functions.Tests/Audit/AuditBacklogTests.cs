using HsmVault.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Audit;

/// <summary>
/// Admission by audit backlog is per vault: one vault with a full share is refused, the others are not; and journaled records
/// that cannot move into their segments count against the bound.
/// </summary>
public sealed class AuditBacklogTests
{
    [Fact]
    public void A_vault_over_its_share_is_backlogged_while_other_vaults_are_not()
    {
        // Not started: nothing drains, so every posted record stays pending. Storage is never touched by queueing.
        var log = new AuditLog(null!, null!, null!, Options.Create(new AuditOptions { MaxPending = 5, MaxPendingPerVault = 2 }),
            TimeProvider.System, NullLogger<AuditLog>.Instance);
        AuditRecord Record(string vault) =>
            new(DateTimeOffset.UtcNow, vault, null, null, null, null, "Test", null, null, 200, "OK", 0, Guid.NewGuid().ToString());

        log.Post(Record("busy"));
        Assert.False(log.IsBacklogged("busy"));
        log.Post(Record("BUSY"));
        Assert.True(log.IsBacklogged("busy"));
        Assert.Equal(2, log.PendingFor("Busy"));
        Assert.False(log.IsBacklogged("quiet"));

        for (var i = 0; i < 3; i++) log.Post(Record($"other{i}"));
        Assert.True(log.IsBacklogged("quiet"), "the bound over all vaults still holds");
    }

    [Fact]
    public async Task Records_that_cannot_move_into_their_segments_count_against_the_bound()
    {
        await using var store = new AuditStoreFixture();
        await store.StartAsync();
        // Blob storage "away": segments in a container that does not exist, so every append is retried and none lands.
        var missing = new HsmVault.Storage.Blobs(Options.Create(new HsmVault.Storage.StorageOptions
        {
            ConnectionString = TestEnvironment.Tables, AuditContainer = "missing" + Guid.NewGuid().ToString("N")[..12],
        }));
        var options = Options.Create(new AuditOptions
        {
            MaxPending = 5, MaxPendingPerVault = 5, FlushInterval = TimeSpan.FromHours(1), CommitTimeout = TimeSpan.FromMinutes(2),
        });
        AuditRecord Record(int i) =>
            new(DateTimeOffset.UtcNow, "v1", "oid-1", null, null, null, "KeySign", $"keys/k/{i:x32}", null, 200, "Success", 0, $"c{i}");
        async Task<bool> BackloggedAfterAsync(AuditSegments segments, bool flushLands)
        {
            var log = new AuditLog(store.Journal, segments, store.Tables, options, TimeProvider.System, NullLogger<AuditLog>.Instance);
            await log.StartAsync(CancellationToken.None); // not stopped: the stuck one's flush retries for ever
            for (var i = 0; i < 4; i++) await log.WriteAsync(Record(i));
            Assert.False(log.IsBacklogged("v1"));
            var flush = log.FlushAsync();
            if (flushLands) await flush;
            for (var i = 4; i < 8; i++) await log.WriteAsync(Record(i));
            return log.IsBacklogged("v1");
        }

        Assert.False(await BackloggedAfterAsync(store.Segments, flushLands: true), "moved into the segments: four waiting, under the bound");
        Assert.True(await BackloggedAfterAsync(new AuditSegments(missing, NullLogger<AuditSegments>.Instance), flushLands: false), "eight waiting: over the bound");
    }
}
