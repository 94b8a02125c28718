using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Storage;

/// <summary>HsmVault's tables in Azurite under a prefix of their own; one instance per test class, tables dropped afterwards.</summary>
public sealed class StorageFixture : IAsyncLifetime
{
    public string Prefix { get; } = TestEnvironment.UniqueTablePrefix();
    public Tables Tables { get; private set; } = null!;
    public ResiliencePipelines Resilience { get; } = new(TimeSpan.FromSeconds(10));

    public async Task InitializeAsync()
    {
        Tables = new Tables(Options.Create(new StorageOptions { ConnectionString = TestEnvironment.Tables, TablePrefix = Prefix }));
        await Tables.CreateIfMissingAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (Tables is null) return;
        foreach (var table in Tables.All)
            await table.DeleteAsync();
    }
}
