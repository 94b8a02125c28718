using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HsmVault.Tests.Secrets;

namespace HsmVault.Tests.Audit;

/// <summary>
/// The test hosts' audit records as stored: every line of their Key Vault-layout blobs and of their journal (records stored
/// moments ago are there until they move into their blob), parsed; a line in both is read once.
/// </summary>
public static class StoredAuditRecords
{
    public const string Container = "insights-logs-auditevent";

    public static async Task<List<JsonElement>> ReadAsync(Func<JsonElement, bool> match)
    {
        // The journal first: an entry that moves meanwhile is then in its blob.
        var contents = new List<byte[]>();
        var journal = new TableServiceClient(TestEnvironment.Tables).GetTableClient(TestHostEnvironment.TablePrefix + "auditjournal");
        var entries = new List<HsmVault.Audit.AuditJournalEntity>();
        await foreach (var entry in journal.QueryAsync<HsmVault.Audit.AuditJournalEntity>()) entries.Add(entry);
        contents.AddRange(entries.OrderBy(e => e.PartitionKey, StringComparer.Ordinal).ThenBy(e => e.RowKey, StringComparer.Ordinal)
            .GroupBy(e => e.PartitionKey).Select(g => g.SelectMany(e => e.Lines).ToArray()));
        var container = new BlobContainerClient(TestEnvironment.Tables, Container);
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, "resourceId=", CancellationToken.None))
            contents.Add((await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray());

        var found = new List<JsonElement>();
        var seen = new HashSet<(string, long)>();
        foreach (var line in contents.SelectMany(c => Encoding.UTF8.GetString(c).Split('\n', StringSplitOptions.RemoveEmptyEntries)))
        {
            var record = JsonDocument.Parse(line).RootElement.Clone();
            if (record.TryGetProperty("hsmvault", out var link)
                && !seen.Add((link.GetProperty("chain").GetString() ?? "", link.GetProperty("seq").GetInt64()))) continue;
            if (match(record)) found.Add(record);
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
