using Azure.Data.Tables;
using HsmVault.Keys;
using HsmVault.Objects;
using HsmVault.Storage;

namespace HsmVault.Tests.Storage;

/// <summary>FindRecentAsync: rows reused for at most a second, changes made through the store seen at once.</summary>
public sealed class RecentRowsTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private readonly KeyStore _store = new(storage.Tables, storage.Resilience);
    private readonly string _vault = "r" + Guid.NewGuid().ToString("N")[..12];
    private static CancellationToken Ct => CancellationToken.None;

    private async Task<KeyEntity> AddAsync(string name, string? vault = null)
    {
        var v = new KeyEntity
        {
            PartitionKey = vault ?? _vault, Name = name, Version = ObjectNames.NewVersion(), Kty = "EC-HSM", KeySize = 256, Curve = "P-256",
            HsmKeyId = Guid.NewGuid().ToString("N"), KeyOps = "sign", HsmKeyOps = "sign", Created = DateTimeOffset.UtcNow, Updated = DateTimeOffset.UtcNow,
        };
        await _store.AddVersionAsync(v, Ct);
        return v;
    }

    [Fact]
    public async Task An_update_through_the_store_is_seen_at_once()
    {
        var v = await AddAsync("updated-here");
        Assert.True((await _store.FindRecentAsync(_vault, v.Name, v.Version, Ct))!.Enabled);
        var row = (await _store.FindAsync(_vault, v.Name, v.Version, Ct))!;
        row.Enabled = false;
        await _store.UpdateAsync(row, Ct);
        Assert.False((await _store.FindRecentAsync(_vault, v.Name, v.Version, Ct))!.Enabled);
        Assert.False((await _store.FindRecentAsync(_vault, v.Name, null, Ct))!.Enabled);
    }

    [Fact]
    public async Task A_new_version_made_here_is_current_at_once()
    {
        var first = await AddAsync("versions-here");
        Assert.Equal(first.Version, (await _store.FindRecentAsync(_vault, first.Name, null, Ct))!.Version);
        var second = await AddAsync("versions-here");
        Assert.Equal(second.Version, (await _store.FindRecentAsync(_vault, first.Name, null, Ct))!.Version);
    }

    [Fact]
    public async Task A_change_made_elsewhere_is_seen_within_the_lifetime()
    {
        var v = await AddAsync("changed-elsewhere");
        Assert.True((await _store.FindRecentAsync(_vault, v.Name, v.Version, Ct))!.Enabled);
        // Another instance disables the key: written to the table directly, this store's memory is not told.
        var entity = new TableEntity(_vault, VersionedEntity.VersionRowKey(v.Name, v.Version)) { ["Enabled"] = false };
        await storage.Tables.Keys.UpdateEntityAsync(entity, Azure.ETag.All, TableUpdateMode.Merge, Ct);

        Assert.True((await _store.FindRecentAsync(_vault, v.Name, v.Version, Ct))!.Enabled); // still the recent read
        await Task.Delay(VersionedStore<KeyEntity>.RecentLifetime + TimeSpan.FromMilliseconds(100));
        Assert.False((await _store.FindRecentAsync(_vault, v.Name, v.Version, Ct))!.Enabled);
    }

    [Fact]
    public async Task A_purged_vaults_rows_are_forgotten_at_once_and_no_other_vaults()
    {
        var purged = await AddAsync("purged-here");
        Assert.NotNull(await _store.FindRecentAsync(_vault, purged.Name, null, Ct));
        var otherVault = _vault + "x";
        var kept = await AddAsync("kept", otherVault);
        Assert.True((await _store.FindRecentAsync(otherVault, kept.Name, null, Ct))!.Enabled);
        // The vault purge deletes the rows in the table directly, then tells the store to forget the vault.
        await storage.Tables.Keys.DeleteEntityAsync(_vault, VersionedEntity.CurrentRowKey(purged.Name), Azure.ETag.All, Ct);
        await storage.Tables.Keys.DeleteEntityAsync(_vault, VersionedEntity.VersionRowKey(purged.Name, purged.Version), Azure.ETag.All, Ct);
        var changed = new TableEntity(otherVault, VersionedEntity.CurrentRowKey(kept.Name)) { ["Enabled"] = false };
        await storage.Tables.Keys.UpdateEntityAsync(changed, Azure.ETag.All, TableUpdateMode.Merge, Ct);

        ((IRecentRows)_store).ForgetVault(_vault);

        Assert.Null(await _store.FindRecentAsync(_vault, purged.Name, null, Ct));
        Assert.Null(await _store.FindRecentAsync(_vault, purged.Name, purged.Version, Ct));
        Assert.True((await _store.FindRecentAsync(otherVault, kept.Name, null, Ct))!.Enabled); // another vault's recent read stays
    }
}
