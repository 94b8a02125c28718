using Azure;
using Azure.Security.KeyVault.Secrets;
using HsmVault.Tests.Audit;

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
        // Every record was stored before its response left.
        var rows = await StoredAuditRecords.ReadAsync(r => r.Text("properties", "id").EndsWith("/" + objectId, StringComparison.Ordinal));
        var byOperation = rows.Select(r => (r.Text("operationName"), r.Text("resultType"), r.Text("resultDescription"))).ToList();
        Assert.Contains(("SecretSet", "Success", ""), byOperation);
        Assert.Contains(("SecretGet", "Success", ""), byOperation);
        Assert.Contains(("SecretUpdate", "Success", ""), byOperation);
        Assert.Contains(("SecretGet", "Failure", "SecretDisabled"), byOperation);
        Assert.All(rows, r => Assert.DoesNotContain("audited-value", r.GetRawText()));
    }
}
