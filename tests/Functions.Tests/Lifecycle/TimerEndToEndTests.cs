using Azure;
using Azure.Data.Tables;
using HsmVault.Hsm;
using HsmVault.Tests.Http;
using HsmVault.Tests.Secrets;

namespace HsmVault.Tests.Lifecycle;

/// <summary>
/// The timers of the two running standalone hosts (scheduled purge every 3 s in tests): a purge killed right after it
/// began is finished by the next timer run, on exactly one instance per occurrence.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class TimerEndToEndTests(HostFixture host)
{
    private static readonly TableServiceClient Service = new(TestHostEnvironment.Tables);
    private static TableClient Table(string name) => Service.GetTableClient(TestHostEnvironment.TablePrefix + name);

    [Fact]
    public async Task The_hosts_scheduled_purge_timer_finishes_an_interrupted_purge()
    {
        var (name, version, _) = await host.CreateKeyAsync("timer", new { kty = "EC", crv = "P-256" });
        var lower = name.ToLowerInvariant();
        var hsmKeyId = (await Table("keys").GetEntityAsync<TableEntity>(StoredRows.Vault, $"ver!{lower}!{version}")).Value.GetString("HsmKeyId");
        (await host.AdminAsync(HttpMethod.Delete, $"keys/{name}")).AssertStatus(200);

        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", TestHostEnvironment.SoftHsmConf);
        using var token = HsmToken.Open(new HsmOptions
        {
            LibraryPath = "/usr/lib/softhsm/libsofthsm2.so", TokenLabel = TestHostEnvironment.TokenLabel, UserPin = TestHostEnvironment.TokenPin,
        });
        Assert.True(token.GetKeyAttributes(new HsmKeyId(hsmKeyId)).Sensitive);

        // A purge that was killed right after it began: its deleted row is marked, nothing else happened.
        var deleted = (await Table("keys").GetEntityAsync<TableEntity>(StoredRows.Vault, $"del!{lower}")).Value;
        deleted["Purging"] = true;
        await Table("keys").UpdateEntityAsync(deleted, deleted.ETag, TableUpdateMode.Replace);
        var before = (await Table("sweeps").GetEntityIfExistsAsync<TableEntity>("sweep", "ScheduledPurge")).Value?.GetInt64("Runs") ?? 0;

        var deadline = DateTime.UtcNow.AddSeconds(45);
        while ((await Table("keys").GetEntityIfExistsAsync<TableEntity>(StoredRows.Vault, $"del!{lower}")).HasValue)
        {
            Assert.True(DateTime.UtcNow < deadline, "the scheduled purge timer did not finish the interrupted purge within 45 s");
            await Task.Delay(250);
        }
        Assert.False((await Table("keys").GetEntityIfExistsAsync<TableEntity>(StoredRows.Vault, $"ver!{lower}!{version}")).HasValue);
        Assert.Equal(HsmErrorKind.NotFound, Assert.Throws<HsmException>(() => token.GetKeyAttributes(new HsmKeyId(hsmKeyId))).Kind);
        (await host.AdminAsync(HttpMethod.Get, $"deletedkeys/{name}")).AssertError(404, "KeyNotFound");

        // Two instances run the timer; each occurrence (every 3 s) runs once: over 9 s at most 4 runs, not 6 or more.
        var lease = (await Table("sweeps").GetEntityAsync<TableEntity>("sweep", "ScheduledPurge")).Value;
        Assert.True(lease.GetInt64("Runs") > before);
        Assert.Equal("Succeeded", lease.GetString("LastResult"));
        var start = lease.GetInt64("Runs")!.Value;
        await Task.Delay(TimeSpan.FromSeconds(9));
        var runs = (await Table("sweeps").GetEntityAsync<TableEntity>("sweep", "ScheduledPurge")).Value.GetInt64("Runs")!.Value - start;
        Assert.InRange(runs, 1, 4);
    }
}
