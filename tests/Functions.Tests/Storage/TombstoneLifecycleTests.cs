using HsmVault.Keys;
using HsmVault.Objects;
using HsmVault.Storage;

namespace HsmVault.Tests.Storage;

/// <summary>
/// Tombstones (<see cref="VersionedStore{T}.SettleAsync"/>) meet the lifecycle: a settled version is never found, listed,
/// marked, destroyed or restored over by accident; it does not block soft delete, recover, purge or restore; and a write
/// still on its way can never commit after its tombstone, not even after the name was purged. Real Azurite.
/// </summary>
public sealed class TombstoneLifecycleTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private readonly KeyStore _store = new(storage.Tables, storage.Resilience);
    private readonly string _vault = "v" + Guid.NewGuid().ToString("N")[..12];
    private static CancellationToken Ct => CancellationToken.None;

    private KeyEntity NewVersion(string name, string? version = null) => new()
    {
        PartitionKey = _vault, Name = name, Version = version ?? ObjectNames.NewVersion(), Kty = "EC-HSM", KeySize = 256, Curve = "P-256",
        HsmKeyId = Convert.ToHexString(Guid.NewGuid().ToByteArray()), KeyOps = "sign,verify", HsmKeyOps = "sign,verify",
        Created = DateTimeOffset.UtcNow, Updated = DateTimeOffset.UtcNow,
    };

    private async Task<List<string>> ListedVersionsAsync(string name) =>
        (await _store.ListPageAsync(_vault, name, 25, null, Ct))?.Values.Select(v => v.Version).ToList() ?? [];

    [Fact]
    public async Task A_settled_version_is_invisible_and_a_late_write_of_it_never_commits()
    {
        var live = NewVersion("settled");
        await _store.AddVersionAsync(live, Ct);
        var lost = NewVersion("settled");
        Assert.Equal(WriteOutcome.Abandoned, await _store.SettleAsync(_vault, lost.Name, lost.Version));
        Assert.Equal(WriteOutcome.Abandoned, await _store.SettleAsync(_vault, lost.Name, lost.Version)); // settling again agrees

        Assert.Null(await _store.FindAsync(_vault, "settled", lost.Version, Ct));
        Assert.Equal(new[] { live.Version }, await ListedVersionsAsync("settled"));
        // The write that was "on its way" arrives: it cannot insert over the tombstone, so the name keeps its current version.
        await Assert.ThrowsAnyAsync<Exception>(() => _store.AddVersionAsync(lost, Ct));
        Assert.Equal(live.Version, (await _store.FindAsync(_vault, "settled", null, Ct))!.Version);
        Assert.Null(await _store.FindAsync(_vault, "settled", lost.Version, Ct));
    }

    [Fact]
    public async Task A_committed_version_settles_as_committed()
    {
        var v = NewVersion("committed");
        await _store.AddVersionAsync(v, Ct);
        Assert.Equal(WriteOutcome.Committed, await _store.SettleAsync(_vault, v.Name, v.Version));
        Assert.NotNull(await _store.FindAsync(_vault, "committed", v.Version, Ct));
    }

    [Fact]
    public async Task Soft_delete_recover_and_purge_pass_over_a_tombstone_and_the_purge_cannot_be_undone_by_a_late_write()
    {
        var live = NewVersion("cycle");
        await _store.AddVersionAsync(live, Ct);
        var lost = NewVersion("cycle");
        await _store.SettleAsync(_vault, lost.Name, lost.Version);

        var now = DateTimeOffset.UtcNow;
        Assert.NotNull(await _store.SoftDeleteAsync(_vault, "cycle", now, now.AddDays(7), Ct));
        Assert.NotNull(await _store.RecoverAsync(_vault, "cycle", Ct));
        Assert.Equal(live.Version, (await _store.FindAsync(_vault, "cycle", null, Ct))!.Version);
        Assert.Equal(new[] { live.Version }, await ListedVersionsAsync("cycle"));

        Assert.NotNull(await _store.SoftDeleteAsync(_vault, "cycle", now, now.AddDays(7), Ct));
        var destroyed = new List<string>();
        Assert.True(await _store.PurgeAsync(_vault, "cycle", v => { destroyed.Add(v.Version); return Task.CompletedTask; }, Ct));
        Assert.Equal(new[] { live.Version }, destroyed); // the tombstone holds no HSM key: nothing to destroy for it
        Assert.Null(await _store.FindDeletedAsync(_vault, "cycle", Ct));
        Assert.Null(await _store.ListPageAsync(_vault, "cycle", 25, null, Ct));

        // The late write arrives after the purge: the tombstone is still there, so the purged name does not come back.
        await Assert.ThrowsAnyAsync<Exception>(() => _store.AddVersionAsync(lost, Ct));
        Assert.Null(await _store.FindAsync(_vault, "cycle", null, Ct));
        // The name itself is free again.
        var fresh = NewVersion("cycle");
        await _store.AddVersionAsync(fresh, Ct);
        Assert.Equal(new[] { fresh.Version }, await ListedVersionsAsync("cycle"));
    }

    [Fact]
    public async Task A_restore_after_a_settled_restore_of_the_same_backup_replaces_the_tombstone()
    {
        var v1 = NewVersion("restored");
        var v2 = NewVersion("restored");
        // An earlier restore of this backup failed and was settled on its current version's row.
        Assert.Equal(WriteOutcome.Abandoned, await _store.SettleAsync(_vault, "restored", v2.Version));
        Assert.Null(await _store.ListPageAsync(_vault, "restored", 25, null, Ct));

        Assert.True(await _store.RestoreAsync(_vault, "restored", [v1, v2], v2, Ct));
        Assert.Equal(v2.Version, (await _store.FindAsync(_vault, "restored", null, Ct))!.Version);
        Assert.Equal(new[] { v1.Version, v2.Version }.Order(), (await ListedVersionsAsync("restored")).Order());
        // Restoring again is a conflict, as for any name that exists.
        Assert.False(await _store.RestoreAsync(_vault, "restored", [NewVersion("restored", v1.Version)], NewVersion("restored", v1.Version), Ct));
    }
}
