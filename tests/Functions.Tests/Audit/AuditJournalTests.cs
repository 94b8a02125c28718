using System.Text;
using Azure.Storage.Blobs.Specialized;
using HsmVault.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Audit;

/// <summary>
/// The write-ahead journal: a commit is planned into entries and transactions that end on whole lines; commits move into
/// the segments in few appends; and the journal of an instance that died is moved into its segments by the replay sweep,
/// in chain order, so the verifier finds its records intact.
/// </summary>
public sealed class AuditJournalTests
{
    private static readonly DateTimeOffset Hour1 = new(2031, 9, 1, 3, 0, 0, TimeSpan.Zero);

    private static byte[] Line(int n, char fill) => Encoding.UTF8.GetBytes(new string(fill, n - 1) + "\n");

    [Fact]
    public void A_commit_is_planned_into_entries_per_folder_and_transactions_that_end_on_whole_lines()
    {
        var lines = new List<(string, byte[])>();
        for (var i = 0; i < 3000; i++) lines.Add((i < 2000 ? "f1/" : "f2/", Line(1000, 'a')));
        lines.Add(("f2/", Line(150_000, 'b'))); // longer than an entry: three pieces
        lines.Add(("f2/", Line(10, 'c')));

        var transactions = AuditJournal.Plan("chain-1", 41, lines);

        var entries = transactions.SelectMany(t => t).ToList();
        Assert.All(entries, e => Assert.InRange(e.Lines.Length, 1, AuditJournal.MaxEntryBytes));
        Assert.All(entries, e => Assert.Equal("chain-1", e.PartitionKey));
        Assert.Equal(entries.Select(e => e.RowKey).Order(StringComparer.Ordinal), entries.Select(e => e.RowKey));
        Assert.StartsWith("0000000000000000041.", entries[0].RowKey);
        Assert.All(transactions, t => Assert.Equal((byte)'\n', t[^1].Lines[^1])); // every transaction ends on a whole line
        Assert.True(transactions.Count > 1);
        Assert.Equal(lines.Where(l => l.Item1 == "f1/").SelectMany(l => l.Item2), entries.Where(e => e.Folder == "f1/").SelectMany(e => e.Lines));
        Assert.Equal(lines.Where(l => l.Item1 == "f2/").SelectMany(l => l.Item2), entries.Where(e => e.Folder == "f2/").SelectMany(e => e.Lines));
        Assert.Equal(3, entries.Count(e => e.Lines.Contains((byte)'b')));
    }

    private static AuditRecord Record(int i, string vault) => new(
        Hour1.AddMinutes(i), vault, "oid-1", "app-1", "tenant-1", "127.0.0.1", "KeySign", $"keys/k1/{i:x32}", "ES256", 200, "Success",
        1.5, $"corr-{i}");

    [Fact]
    public async Task Commits_move_into_segments_in_a_few_appends_and_leave_the_journal_empty()
    {
        var vault = "j" + Guid.NewGuid().ToString("N")[..10];
        await using var store = new AuditStoreFixture();
        await store.StartAsync();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < 200; i += 8) await store.Log.WriteAsync(Record(i % 50, vault));
        })));
        Assert.NotEmpty(await JournalAsync(store)); // stored, not yet moved (the fixture moves them only when asked)
        await store.Log.FlushAsync();

        Assert.Empty(await JournalAsync(store));
        var blob = AuditBlobNames.Segment(AuditBlobNames.ResourceId(store.Options.ResourceIdPrefix, vault), Hour1, 0);
        Assert.Equal(200, (await store.LinesAsync(blob)).Count);
        var blocks = (await store.Container.GetAppendBlobClient(blob).GetPropertiesAsync()).Value.BlobCommittedBlockCount;
        Assert.Equal(1, blocks); // 200 records, one append
        await store.Signer.SignAsync(closed: false, CancellationToken.None);
        var report = await store.VerifyAsync();
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal(200, report.Records);
    }

    [Fact]
    public async Task The_journal_of_an_instance_that_died_is_replayed_into_its_segments_in_order()
    {
        var vault = "r" + Guid.NewGuid().ToString("N")[..10];
        await using var store = new AuditStoreFixture();
        await store.StartAsync();
        // An instance that dies after storing its commits in the journal, before moving them (its flusher never runs).
        var deadOptions = Options.Create(new AuditOptions { FlushInterval = TimeSpan.FromHours(1), CommitTimeout = TimeSpan.FromMinutes(2) });
        var dead = new AuditLog(store.Journal, store.Segments, store.Tables, deadOptions, TimeProvider.System, NullLogger<AuditLog>.Instance);
        await dead.StartAsync(CancellationToken.None);
        for (var i = 0; i < 30; i++) await dead.WriteAsync(Record(i, vault));
        // And a live one.
        for (var i = 30; i < 40; i++) await store.Log.WriteAsync(Record(i, vault));

        var replayOptions = Options.Create(new AuditOptions { JournalReplayAfter = TimeSpan.FromSeconds(2) });
        var replay = new AuditJournalReplay(store.Journal, store.Segments, store.Log, replayOptions, TimeProvider.System,
            NullLogger<AuditJournalReplay>.Instance);
        Assert.Equal(0, await replay.RunAsync(CancellationToken.None)); // too fresh: it may still be alive
        Assert.Contains(await JournalAsync(store), e => e.PartitionKey == dead.ChainId);

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, await replay.RunAsync(CancellationToken.None));
        Assert.DoesNotContain(await JournalAsync(store), e => e.PartitionKey == dead.ChainId);
        Assert.Equal(0, await replay.RunAsync(CancellationToken.None)); // nothing left; the live chain is never taken

        await store.Signer.SignAsync(closed: false, CancellationToken.None);
        var blob = AuditBlobNames.Segment(AuditBlobNames.ResourceId(store.Options.ResourceIdPrefix, vault), Hour1, 0);
        Assert.Equal(40, (await store.LinesAsync(blob)).Count);
        var report = await store.VerifyAsync();
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal((2, 40L), (report.Chains, report.Records));
    }

    private static async Task<List<AuditJournalEntity>> JournalAsync(AuditStoreFixture store)
    {
        var entries = new List<AuditJournalEntity>();
        await foreach (var e in store.Journal.ReadAllAsync(CancellationToken.None)) entries.Add(e);
        return entries;
    }
}
