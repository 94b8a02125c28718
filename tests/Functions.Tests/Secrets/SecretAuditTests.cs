using Azure;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;

namespace HsmVault.Tests.Secrets;

/// <summary>Secret operations leave audit records naming secrets/{name}/{version}, with results, and never the value.</summary>
public sealed class SecretAuditTests
{
    private readonly SecretClient _client = SecretClients.Admin();

    [Fact]
    public async Task Set_get_and_a_refused_get_are_audited_by_object_id_without_the_value()
    {
        var name = SecretClients.UniqueName("net-audit");
        var set = (await _client.SetSecretAsync(name, "audited-value-7f3a")).Value;
        await _client.GetSecretAsync(name);
        set.Properties.Enabled = false;
        await _client.UpdateSecretPropertiesAsync(set.Properties);
        await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync(name));

        var objectId = $"secrets/{name}/{set.Properties.Version}";
        var audit = new TableServiceClient(TestHostEnvironment.Tables).GetTableClient(TestHostEnvironment.TablePrefix + "audit");
        List<TableEntity> rows = [];
        for (var wait = 0; wait < 50 && rows.Count < 4; wait++)
        {
            if (wait > 0) await Task.Delay(200);
            rows = [];
            await foreach (var row in audit.QueryAsync<TableEntity>(r => r.GetString("ObjectId") == objectId)) rows.Add(row);
        }
        var byOperation = rows.Select(r => (r.GetString("Operation"), r.GetString("Result"))).ToList();
        Assert.Contains(("SecretSet", "Success"), byOperation);
        Assert.Contains(("SecretGet", "Success"), byOperation);
        Assert.Contains(("SecretUpdate", "Success"), byOperation);
        Assert.Contains(("SecretGet", "SecretDisabled"), byOperation);
        Assert.All(rows, r => Assert.DoesNotContain(r, p => p.Value is string s && s.Contains("audited-value")));
    }
}
