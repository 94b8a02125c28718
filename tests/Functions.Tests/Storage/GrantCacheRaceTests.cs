using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using HsmVault.Access;
using HsmVault.Identity;
using HsmVault.Objects;
using HsmVault.Storage;
using HsmVault.Vaults;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Storage;

/// <summary>
/// Issue #13, finding 6: a vault's policy entries spanning several pages (> 1,000) must never be cached under a stamp
/// they are not consistent with. A revocation is committed between the first and the second page of a grant read.
/// </summary>
public sealed class GrantCacheRaceTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private const string Tenant = "11111111-1111-4111-8111-111111111111";
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task A_revocation_during_a_multi_page_read_is_never_cached_as_granted()
    {
        var vault = "race" + Guid.NewGuid().ToString("N")[..10];
        var writer = new VaultInstance(storage);
        await writer.CreateAsync(vault, Tenant);
        // The victim sorts first, so its entry is on the first page; 1,100 other entries push the rest onto a second.
        var victim = "00000000-0000-4000-8000-" + Guid.NewGuid().ToString("N")[..12];
        await writer.PolicyStore.PutAsync(AccessPolicyEntity.Create(vault, victim, KeyScope.Vault, Tenant, null, "get,sign", ""), Ct);
        for (var batch = 0; batch < 11; batch++)
        {
            var rows = Enumerable.Range(0, 100).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                AccessPolicyEntity.Create(vault, $"a{batch:D2}{i:D3}-{Guid.NewGuid():N}", KeyScope.Vault, Tenant, null, "get", "")));
            await storage.Tables.Vaults.SubmitTransactionAsync(rows, Ct);
        }

        // The reader's instance: its table client revokes the victim (through the other instance) just before it asks
        // for the second page.
        var hook = new BeforeSecondPage(() => writer.PolicyStore.DeleteAsync(vault, victim, null, Ct));
        var readerTables = new Tables(Options.Create(new StorageOptions { ConnectionString = TestEnvironment.Tables, TablePrefix = storage.Prefix }), [hook]);
        var reader = new VaultInstance(storage, tables: readerTables);
        await reader.Watcher.PollAsync();
        var stampBefore = reader.Vault(vault).PolicyStamp;
        var caller = new CallerIdentity(victim, Tenant, null, [], []);

        // The first decision may go either way: its request began before the revocation.
        try { await reader.Policies.DemandAsync(reader.Vault(vault), caller, PermissionScope.Keys, "sign", null, Ct); }
        catch (VaultException) { }
        Assert.True(hook.Fired, "the read did not span two pages");

        // Every decision under the new stamp must see the revocation.
        await reader.Watcher.PollAsync();
        Assert.NotEqual(stampBefore, reader.Vault(vault).PolicyStamp);
        var e = await Assert.ThrowsAsync<VaultException>(() =>
            reader.Policies.DemandAsync(reader.Vault(vault), caller, PermissionScope.Keys, "sign", null, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
    }

    [Fact]
    public async Task A_policy_change_too_large_for_one_transaction_is_refused_not_split()
    {
        var vault = "big" + Guid.NewGuid().ToString("N")[..10];
        var store = new VaultInstance(storage).Store;
        var entries = Enumerable.Range(0, VaultStore.MaxEntriesPerChange + 1)
            .Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                AccessPolicyEntity.Create(vault, Guid.NewGuid().ToString(), KeyScope.Vault, Tenant, null, "get", "")))
            .ToList();
        await new VaultInstance(storage).CreateAsync(vault, Tenant);
        var e = await Assert.ThrowsAsync<VaultException>(() => store.CommitAsync(vault, _ => { }, _ => entries, Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        var written = 0;
        await foreach (var _ in storage.Tables.Vaults.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {vault}"), cancellationToken: Ct)) written++;
        Assert.Equal(1, written); // the vault row only: nothing of the refused change was committed
    }

    /// <summary>Runs <c>action</c> once, before the first request that continues a query (its second page).</summary>
    private sealed class BeforeSecondPage(Func<Task> action) : HttpPipelinePolicy
    {
        public bool Fired { get; private set; }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await FireAsync(message);
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            FireAsync(message).GetAwaiter().GetResult();
            ProcessNext(message, pipeline);
        }

        private async Task FireAsync(HttpMessage message)
        {
            if (Fired || !message.Request.Uri.Query.Contains("NextRowKey", StringComparison.OrdinalIgnoreCase)) return;
            Fired = true;
            await action();
        }
    }
}
