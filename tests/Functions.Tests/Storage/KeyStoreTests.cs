using System.Net;
using HsmVault.Http;
using HsmVault.Keys;
using HsmVault.Objects;
using HsmVault.Storage;

namespace HsmVault.Tests.Storage;

public sealed class KeyStoreTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private readonly KeyStore _store = new(storage.Tables, storage.Resilience);
    private readonly string _vault = "v" + Guid.NewGuid().ToString("N")[..12];
    private static CancellationToken Ct => CancellationToken.None;

    private KeyEntity NewVersion(string name, string? vault = null) => new()
    {
        PartitionKey = vault ?? _vault, Name = name, Version = ObjectNames.NewVersion(), Kty = "RSA-HSM", KeySize = 2048,
        HsmKeyId = Convert.ToHexString(Guid.NewGuid().ToByteArray()), KeyOps = "sign,verify", HsmKeyOps = "sign,verify",
        Created = DateTimeOffset.UtcNow, Updated = DateTimeOffset.UtcNow,
    };

    private async Task<KeyEntity> RawRowAsync(string rowKey) =>
        (await storage.Tables.Keys.GetEntityAsync<KeyEntity>(_vault, rowKey)).Value;

    [Fact]
    public async Task First_version_is_stored_in_both_rows()
    {
        var v1 = NewVersion("first");
        await _store.AddVersionAsync(v1, Ct);

        var versionRow = await RawRowAsync($"ver!first!{v1.Version}");
        var currentRow = await RawRowAsync("cur!first");
        Assert.Equal(v1.Version, versionRow.Version);
        Assert.Equal(v1.Version, currentRow.Version);
        Assert.Equal(v1.HsmKeyId, currentRow.HsmKeyId);
    }

    [Fact]
    public async Task Second_version_becomes_current_and_both_stay_findable()
    {
        var v1 = NewVersion("Rolling");
        var v2 = NewVersion("rolling");
        await _store.AddVersionAsync(v1, Ct);
        await _store.AddVersionAsync(v2, Ct);

        var latest = await _store.FindAsync(_vault, "rolling", null, Ct);
        Assert.Equal(v2.Version, latest!.Version);
        Assert.Equal(v2.HsmKeyId, latest.HsmKeyId);
        Assert.Equal("Rolling", latest.Name); // the name keeps the casing it was created with
        Assert.Equal(v1.HsmKeyId, (await _store.FindAsync(_vault, "ROLLING", v1.Version, Ct))!.HsmKeyId);
        Assert.Equal(v2.HsmKeyId, (await _store.FindAsync(_vault, "rolling", v2.Version.ToUpperInvariant(), Ct))!.HsmKeyId);
    }

    [Fact]
    public async Task Unknown_key_or_version_is_null()
    {
        var v = NewVersion("known");
        await _store.AddVersionAsync(v, Ct);
        Assert.Null(await _store.FindAsync(_vault, "unknown", null, Ct));
        Assert.Null(await _store.FindAsync(_vault, "known", ObjectNames.NewVersion(), Ct));
        Assert.Null(await _store.FindAsync("other-vault", "known", null, Ct));
    }

    [Fact]
    public async Task Update_of_current_version_updates_its_copy()
    {
        var v1 = NewVersion("upd");
        var v2 = NewVersion("upd");
        await _store.AddVersionAsync(v1, Ct);
        await _store.AddVersionAsync(v2, Ct);

        var row = (await _store.FindAsync(_vault, "upd", v2.Version, Ct))!;
        row.Enabled = false;
        row.KeyOps = "verify";
        row.Tags = """{"a":"b"}""";
        await _store.UpdateAsync(row, Ct);

        foreach (var found in new[] { await _store.FindAsync(_vault, "upd", null, Ct), await _store.FindAsync(_vault, "upd", v2.Version, Ct) })
        {
            Assert.False(found!.Enabled);
            Assert.Equal("verify", found.KeyOps);
            Assert.Equal("""{"a":"b"}""", found.Tags);
        }
        Assert.True((await _store.FindAsync(_vault, "upd", v1.Version, Ct))!.Enabled);
    }

    [Fact]
    public async Task Update_of_older_version_leaves_current_copy_alone()
    {
        var v1 = NewVersion("old");
        var v2 = NewVersion("old");
        await _store.AddVersionAsync(v1, Ct);
        await _store.AddVersionAsync(v2, Ct);

        var row = (await _store.FindAsync(_vault, "old", v1.Version, Ct))!;
        row.Enabled = false;
        await _store.UpdateAsync(row, Ct);

        Assert.False((await _store.FindAsync(_vault, "old", v1.Version, Ct))!.Enabled);
        var current = (await _store.FindAsync(_vault, "old", null, Ct))!;
        Assert.Equal(v2.Version, current.Version);
        Assert.True(current.Enabled);
    }

    [Fact]
    public async Task Update_with_stale_etag_is_409_Conflict()
    {
        var v = NewVersion("race");
        await _store.AddVersionAsync(v, Ct);
        var first = (await _store.FindAsync(_vault, "race", v.Version, Ct))!;
        var second = (await _store.FindAsync(_vault, "race", v.Version, Ct))!;

        first.Enabled = false;
        await _store.UpdateAsync(first, Ct);
        second.KeyOps = "verify";
        // Storage knows nothing of HTTP: the error table turns its conflict into Key Vault's 409.
        var conflict = await Assert.ThrowsAsync<ConcurrentChangeException>(() => _store.UpdateAsync(second, Ct));
        var e = KeyVaultErrors.ToVaultException(conflict)!;

        Assert.Equal((HttpStatusCode.Conflict, "Conflict"), (e.Status, e.Code));
        var stored = (await _store.FindAsync(_vault, "race", null, Ct))!;
        Assert.False(stored.Enabled);
        Assert.Equal("sign,verify", stored.KeyOps); // the losing update changed nothing
    }

    [Theory]
    [InlineData(4)]
    [InlineData(32)] // more writers than one page of versions, and heavy ETag contention on the current-version row
    public async Task Concurrent_new_versions_all_succeed_and_one_is_current(int writers)
    {
        var name = $"contended-{writers}";
        var versions = Enumerable.Range(0, writers).Select(_ => NewVersion(name)).ToList();
        using var start = new ManualResetEventSlim();
        var tasks = versions.Select(v => Task.Run(async () => { start.Wait(); await _store.AddVersionAsync(v, Ct); })).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        var current = (await _store.FindAsync(_vault, name, null, Ct))!;
        var winner = Assert.Single(versions, v => v.Version == current.Version);
        Assert.Equal(winner.HsmKeyId, current.HsmKeyId);
        foreach (var v in versions)
            Assert.Equal(v.HsmKeyId, (await _store.FindAsync(_vault, name, v.Version, Ct))!.HsmKeyId);
        var listed = new List<string>();
        string? continuation = null;
        do
        {
            var page = await _store.ListVersionsAsync(_vault, name, 25, continuation, Ct);
            listed.AddRange(page.Values.Select(v => v.Version));
            continuation = page.ContinuationToken;
        } while (continuation is not null);
        Assert.Equal(versions.Select(v => v.Version).Order(), listed.Order());
    }
}
