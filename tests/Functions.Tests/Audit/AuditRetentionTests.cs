extern alias cli;
using Azure.Storage.Blobs.Models;
using cli::HsmVault.Cli.Audit;
using HsmVault.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmVault.Tests.Audit;

/// <summary>
/// The retention sweep removes whole vault-hours older than the retention and leaves a signed checkpoint per chain, so the
/// verifier still proves the retained records complete and unaltered; a gap without a valid checkpoint is still tampering.
/// </summary>
public sealed class AuditRetentionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static AuditRecord Record(int i, DateTimeOffset time, string vault) => new(
        time.AddSeconds(i % 30), vault, "oid-1", null, "tenant-1", "127.0.0.1", "KeySign", $"keys/k/{i:x32}", "ES256", 200, "Success", 1,
        $"corr-{i}");

    /// <summary>30 records in each of two expired hours, then 30 in the last hour, from one writer (one chain, seq 1..90).</summary>
    private static async Task<(AuditStoreFixture Store, string Vault)> WrittenAsync()
    {
        var store = new AuditStoreFixture();
        await store.StartAsync();
        var vault = "r" + Guid.NewGuid().ToString("N")[..10];
        var hours = new[] { Now.AddDays(-10), Now.AddDays(-10).AddHours(1), Now.AddHours(-1) };
        for (var i = 0; i < 90; i++) await store.Log.WriteAsync(Record(i, Floor(hours[i / 30]), vault));
        await store.Signer.SignAsync(closed: false, CancellationToken.None);
        return (store, vault);
    }

    private static AuditRetention Retention(AuditStoreFixture store, int days) => new(store.Blobs, store.Key,
        Microsoft.Extensions.Options.Options.Create(new AuditOptions { RetentionDays = days }), TimeProvider.System,
        NullLogger<AuditRetention>.Instance);

    private static string Segment(AuditStoreFixture store, string vault, DateTimeOffset hour) =>
        AuditBlobNames.Segment(AuditBlobNames.ResourceId(store.Options.ResourceIdPrefix, vault), hour, 0);

    [Fact]
    public async Task Expired_hours_are_removed_and_the_rest_still_verifies()
    {
        var (store, vault) = await WrittenAsync();
        await using var owned = store;
        Assert.Equal(0, await Retention(store, 0).RunAsync(CancellationToken.None)); // 0 keeps everything

        Assert.Equal(2, await Retention(store, 7).RunAsync(CancellationToken.None));

        Assert.False(await store.Container.GetBlobClient(Segment(store, vault, Floor(Now.AddDays(-10)))).ExistsAsync());
        Assert.True(await store.Container.GetBlobClient(Segment(store, vault, Floor(Now.AddHours(-1)))).ExistsAsync());
        var report = await store.VerifyAsync();
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal(30, report.Records);
        Assert.Contains(report.Notes!, n => n.Contains("up to seq 60"));
        Assert.Empty(report.Warnings);
        Assert.Equal(0, await Retention(store, 7).RunAsync(CancellationToken.None)); // nothing left to remove
    }

    [Fact]
    public async Task A_record_removed_after_the_checkpoint_is_still_named()
    {
        var (store, vault) = await WrittenAsync();
        await using var owned = store;
        await Retention(store, 7).RunAsync(CancellationToken.None);
        var kept = Segment(store, vault, Floor(Now.AddHours(-1)));
        await store.RewriteAsync(kept, (await store.LinesAsync(kept)).Skip(1));

        var problem = Assert.Single((await store.VerifyAsync()).Problems);
        Assert.Equal((AuditFinding.Removed, 61L), (problem.Kind, problem.Seq));
    }

    [Fact]
    public async Task A_forged_checkpoint_does_not_excuse_a_gap()
    {
        var (store, _) = await WrittenAsync();
        await using var owned = store;
        await Retention(store, 7).RunAsync(CancellationToken.None);
        // Someone with storage access moves the checkpoint forward to hide more records: its signature no longer verifies.
        var checkpoints = (await store.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, AuditChainFormat.RetentionPrefix, CancellationToken.None).ToListAsync()).Select(b => b.Name).ToList();
        var name = Assert.Single(checkpoints);
        await store.RewriteAsync(name, (await store.LinesAsync(name)).Select(l => l.Replace("\"seq\":60", "\"seq\":70")));

        var problems = (await store.VerifyAsync()).Problems;
        Assert.Contains(problems, p => p.Kind == AuditFinding.ForgedHead && p.Where.StartsWith(AuditChainFormat.RetentionPrefix));
        Assert.Contains(problems, p => p.Kind == AuditFinding.Removed && p.Seq == 1);
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);
}
