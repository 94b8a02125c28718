using HsmVault.Keys;
using HsmVault.Objects;

namespace HsmVault.Tests.Storage;

public sealed class KeyStorePagingTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private readonly KeyStore _store = new(storage.Tables, storage.Resilience);
    private readonly string _vault = "v" + Guid.NewGuid().ToString("N")[..12];

    private async Task<KeyEntity> AddAsync(string name, string? vault = null)
    {
        var e = new KeyEntity
        {
            PartitionKey = vault ?? _vault, Name = name, Version = ObjectNames.NewVersion(), Kty = "EC-HSM", Curve = "P-256", KeySize = 256,
            HsmKeyId = Guid.NewGuid().ToString("N"), KeyOps = "sign", HsmKeyOps = "sign", Created = DateTimeOffset.UtcNow, Updated = DateTimeOffset.UtcNow,
        };
        await _store.AddVersionAsync(e, CancellationToken.None);
        return e;
    }

    private static async Task<List<List<KeyEntity>>> AllPagesAsync(Func<string?, Task<Azure.Page<KeyEntity>>> page)
    {
        var pages = new List<List<KeyEntity>>();
        string? continuation = null;
        do
        {
            var p = await page(continuation);
            pages.Add(p.Values.ToList());
            continuation = p.ContinuationToken;
            Assert.True(pages.Count < 100, "paging does not end");
        } while (continuation is not null);
        return pages;
    }

    [Fact]
    public async Task Current_keys_page_through_without_duplicates_or_gaps()
    {
        var names = Enumerable.Range(0, 23).Select(i => $"key-{i:D2}").ToList();
        foreach (var n in names) await AddAsync(n);
        await AddAsync("key-05");            // a second version must not list the key twice
        await AddAsync("key-17");
        await AddAsync("elsewhere", "other" + _vault); // another vault's key must not appear

        var pages = await AllPagesAsync(c => _store.ListCurrentAsync(_vault, 5, c, CancellationToken.None));

        Assert.True(pages.Count >= 5, $"expected at least 5 pages of at most 5, got {pages.Count}");
        Assert.All(pages, p => Assert.True(p.Count <= 5));
        var listed = pages.SelectMany(p => p).Select(k => k.Name).ToList();
        Assert.Equal(names, listed.Order().ToList());
        Assert.All(pages.SelectMany(p => p), k => Assert.StartsWith("cur!", k.RowKey));
    }

    [Fact]
    public async Task Versions_page_through_without_duplicates_or_gaps()
    {
        var versions = new List<string>();
        for (var i = 0; i < 12; i++) versions.Add((await AddAsync("multi")).Version);
        await AddAsync("multi-x"); // shares a prefix, must not be listed
        await AddAsync("mult");

        var pages = await AllPagesAsync(c => _store.ListVersionsAsync(_vault, "MULTI", 5, c, CancellationToken.None));

        Assert.True(pages.Count >= 3, $"expected at least 3 pages, got {pages.Count}");
        var listed = pages.SelectMany(p => p).ToList();
        Assert.All(listed, k => Assert.Equal("multi", k.Name));
        Assert.Equal(versions.Order(), listed.Select(k => k.Version).Order());
    }

    [Fact]
    public async Task Listing_an_unknown_key_or_empty_vault_is_empty()
    {
        var versions = await _store.ListVersionsAsync(_vault, "nothing-here", 5, null, CancellationToken.None);
        Assert.Empty(versions.Values);
        Assert.Null(versions.ContinuationToken);
        var keys = await _store.ListCurrentAsync("empty" + _vault, 5, null, CancellationToken.None);
        Assert.Empty(keys.Values);
    }
}
