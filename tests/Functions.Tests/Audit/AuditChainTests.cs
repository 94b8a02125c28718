extern alias cli;
using System.Text.Json;
using cli::HsmVault.Cli.Audit;
using HsmVault.Audit;

namespace HsmVault.Tests.Audit;

/// <summary>
/// Records written through the group-committed log land in append blobs laid out as Key Vault's diagnostic logs, form one
/// chain signed in the HSM, and every kind of tampering with the stored blobs is named by the verifier at the right spot.
/// </summary>
public sealed class AuditChainTests
{
    private static readonly DateTimeOffset Hour1 = new(2031, 5, 6, 7, 10, 0, TimeSpan.Zero);

    private static AuditRecord Record(int i, string vault) => new(
        Hour1.AddMinutes(i < 40 ? i : 20 + i), vault, $"oid-{i % 3}", "app-1", "tenant-1", "127.0.0.1",
        i % 2 == 0 ? "KeySign" : "SecretGet", i % 2 == 0 ? $"keys/k{i % 4}/0123456789abcdef0123456789abcdef" : "secrets/s1/00112233445566778899aabbccddeeff",
        i % 2 == 0 ? "RS256" : null, i % 7 == 0 ? 403 : 200, i % 7 == 0 ? "AccessDenied" : "Success", 2.4, $"corr-{i}",
        "7.6", $"https://{vault}.localhost:8443/keys/k/sign?api-version=7.6", "azsdk-net/test", null);

    /// <summary>Writes 80 records from 8 concurrent writers to two vaults over two hours, then signs the head.</summary>
    private static async Task<(AuditStoreFixture Store, int Commits)> WrittenAsync(string[] vaults)
    {
        var store = new AuditStoreFixture();
        await store.StartAsync();
        var commits = 0;
        store.Log.Committed += (_, _) => Interlocked.Increment(ref commits);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < 80; i += 8) await store.Log.WriteAsync(Record(i, vaults[i % 2]));
        })));
        await store.Signer.SignAsync(closed: false, CancellationToken.None);
        return (store, commits);
    }

    private static string[] NewVaults() => ["a" + Guid.NewGuid().ToString("N")[..10], "b" + Guid.NewGuid().ToString("N")[..10]];

    private static string BlobOf(AuditStoreFixture store, string vault, int hour) =>
        AuditBlobNames.Segment(AuditBlobNames.ResourceId(store.Options.ResourceIdPrefix, vault), Hour1.AddHours(hour), 0);

    [Fact]
    public async Task Records_are_stored_in_key_vault_layout_as_one_signed_chain_with_shared_writes()
    {
        var vaults = NewVaults();
        var (store, commits) = await WrittenAsync(vaults);
        await using var owned = store;

        Assert.InRange(commits, 1, 79); // concurrent writers shared commits
        var report = await store.VerifyAsync();
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal((1, 80L), (report.Chains, report.Records));
        Assert.Empty(report.Warnings);

        var lines = await store.LinesAsync(BlobOf(store, vaults[0], 0));
        Assert.Equal(20, lines.Count); // vault a: even i below 40
        Assert.EndsWith($"/VAULTS/{vaults[0].ToUpperInvariant()}/y=2031/m=05/d=06/h=07/m=00/PT1H.json", BlobOf(store, vaults[0], 0));
        var first = JsonDocument.Parse(lines[0]).RootElement;
        foreach (var field in new[] { "time", "resourceId", "operationName", "operationVersion", "category", "resultType", "resultSignature", "durationMs", "callerIpAddress", "correlationId" })
            Assert.True(first.TryGetProperty(field, out _), field);
        Assert.Equal("AuditEvent", first.GetProperty("category").GetString());
        Assert.Equal("KeySign", first.GetProperty("operationName").GetString());
        Assert.Equal(store.Options.ResourceIdPrefix + vaults[0].ToUpperInvariant(), first.GetProperty("resourceId").GetString());
        var claim = first.GetProperty("identity").GetProperty("claim");
        Assert.StartsWith("oid-", claim.GetProperty(AuditEvent.ObjectIdClaim).GetString());
        Assert.Equal("app-1", claim.GetProperty("appid").GetString());
        var properties = first.GetProperty("properties");
        Assert.StartsWith($"https://{vaults[0]}.localhost:8443/keys/k", properties.GetProperty("id").GetString());
        Assert.Equal("azsdk-net/test", properties.GetProperty("clientInfo").GetString());
    }

    [Fact]
    public async Task The_verifier_names_each_kind_of_tampering()
    {
        var vaults = NewVaults();
        var (store, _) = await WrittenAsync(vaults);
        await using var owned = store;
        var blob = BlobOf(store, vaults[0], 0);
        var original = await store.LinesAsync(blob);
        long SeqOf(string line) => JsonDocument.Parse(line).RootElement.GetProperty("hsmvault").GetProperty("seq").GetInt64();

        async Task<AuditFinding> FirstProblemAfter(Func<List<string>, List<string>> tamper)
        {
            await store.RewriteAsync(blob, tamper([.. original]));
            var report = await store.VerifyAsync();
            await store.RewriteAsync(blob, original);
            Assert.False(report.Intact, "tampering went unnoticed");
            return Assert.Single(report.Problems);
        }

        var edited = await FirstProblemAfter(l => { l[4] = l[4].Replace("\"resultType\":\"Success\"", "\"resultType\":\"Failure\"").Replace("\"resultType\":\"Failure\",\"resultSignature\":\"Forbidden\"", "\"resultType\":\"Success\",\"resultSignature\":\"Forbidden\""); return l; });
        Assert.Equal((AuditFinding.Altered, SeqOf(original[4])), (edited.Kind, edited.Seq));
        Assert.Equal($"{blob}:5", edited.Where);

        var removed = await FirstProblemAfter(l => { l.RemoveAt(4); return l; });
        Assert.Equal((AuditFinding.Removed, SeqOf(original[4])), (removed.Kind, removed.Seq));

        var reordered = await FirstProblemAfter(l => { (l[4], l[5]) = (l[5], l[4]); return l; });
        Assert.Equal((AuditFinding.Reordered, SeqOf(original[4]), $"{blob}:6"), (reordered.Kind, reordered.Seq, reordered.Where));

        var inserted = await FirstProblemAfter(l => { l.Insert(5, l[4].Replace("corr-", "forged-")); return l; });
        Assert.Equal((AuditFinding.Inserted, SeqOf(original[4]), $"{blob}:6"), (inserted.Kind, inserted.Seq, inserted.Where));

        var foreign = await FirstProblemAfter(l => { l.Insert(2, "{\"time\":\"2031-05-06T07:11:00Z\",\"operationName\":\"KeySign\"}"); return l; });
        Assert.Equal((AuditFinding.Inserted, $"{blob}:3"), (foreign.Kind, foreign.Where));

        // Truncation: the chain's last three records go, wherever they are stored.
        var all = new List<(string Blob, List<string> Lines)>();
        foreach (var v in vaults) foreach (var h in new[] { 0, 1 }) all.Add((BlobOf(store, v, h), await store.LinesAsync(BlobOf(store, v, h))));
        var max = all.SelectMany(b => b.Lines).Max(SeqOf);
        foreach (var (name, lines) in all) await store.RewriteAsync(name, lines.Where(l => SeqOf(l) <= max - 3));
        var truncated = Assert.Single((await store.VerifyAsync()).Problems);
        Assert.Equal((AuditFinding.Truncated, max - 2), (truncated.Kind, truncated.Seq));
        foreach (var (name, lines) in all) await store.RewriteAsync(name, lines);

        // A head whose seq is moved (to hide truncation) no longer verifies.
        var headBlob = AuditChainFormat.HeadBlobName(store.Log.ChainId);
        var heads = await store.LinesAsync(headBlob);
        await store.RewriteAsync(headBlob, heads.Select(h => h.Replace($"\"seq\":{max},", $"\"seq\":{max - 3},")));
        var forged = (await store.VerifyAsync()).Problems;
        Assert.Contains(forged, p => p.Kind == AuditFinding.ForgedHead && p.Where == $"{headBlob}:1");

        await store.RewriteAsync(headBlob, heads);
        Assert.True((await store.VerifyAsync()).Intact); // restored: the checks above saw the tampering, not noise
    }
}
