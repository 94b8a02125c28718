using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace HsmVault.Tests.Audit;

/// <summary>The test host's audit records as stored: every line of its Key Vault-layout blobs, parsed.</summary>
public static class StoredAuditRecords
{
    public const string Container = "insights-logs-auditevent";

    public static async Task<List<JsonElement>> ReadAsync(Func<JsonElement, bool> match)
    {
        var container = new BlobContainerClient(TestEnvironment.Tables, Container);
        var found = new List<JsonElement>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, "resourceId=", CancellationToken.None))
        {
            var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            foreach (var line in content.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var record = JsonDocument.Parse(line).RootElement.Clone();
                if (match(record)) found.Add(record);
            }
        }
        return found;
    }

    /// <summary>Every signed chain head the test hosts stored.</summary>
    public static async Task<List<HsmVault.Audit.ChainHead>> HeadsAsync()
    {
        var container = new BlobContainerClient(TestEnvironment.Tables, Container);
        var heads = new List<HsmVault.Audit.ChainHead>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, HsmVault.Audit.AuditChainFormat.HeadsPrefix, CancellationToken.None))
        {
            var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            heads.AddRange(content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<HsmVault.Audit.ChainHead>(l)!));
        }
        return heads;
    }

    public static Task<List<JsonElement>> WithCorrelationAsync(string correlationId) =>
        ReadAsync(r => r.GetProperty("correlationId").GetString() == correlationId);

    public static string Text(this JsonElement record, params string[] path)
    {
        var e = record;
        foreach (var p in path) e = e.GetProperty(p);
        return e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
    }
}
