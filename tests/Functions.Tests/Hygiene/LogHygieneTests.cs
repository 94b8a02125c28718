using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace HsmVault.Tests.Hygiene;

/// <summary>
/// Run last by tests/run.sh, after every other suite (filter <c>Category=Hygiene</c>): the user PIN, every test principal's
/// client secret, a canary secret value and a canary bearer token (planted by run.sh at the start and used in requests) occur
/// in no host log, no stored table row of any table and no blob (audit included).
/// </summary>
[Trait("Category", "Hygiene")]
public sealed class LogHygieneTests
{
    /// <summary>(what it is, its value): only what is long enough not to occur by chance.</summary>
    private static List<(string Kind, string Value)> Secrets()
    {
        var token = TestEnvironment.Require("HSMVAULT_CANARY_TOKEN");
        var secrets = new List<(string, string)>
        {
            ("user PIN", TestEnvironment.Require("HSMVAULT_TEST_PIN")),
            ("customer token's user PIN", TestEnvironment.Require("HSMVAULT_TEST_CUSTOMER_PIN")),
            ("canary secret value", TestEnvironment.Require("HSMVAULT_CANARY_SECRET")),
            ("canary bearer token", token),
            ("canary bearer token's signature", token.Split('.')[^1]),
        };
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => ((string)e.Key, e.Value as string ?? "")))
            if (name.StartsWith("HSMVAULT_TEST_", StringComparison.Ordinal) && name.EndsWith("_SECRET", StringComparison.Ordinal))
                secrets.Add(($"client secret {name}", value));
        return secrets.Where(s => s.Item2.Length >= 8).ToList();
    }

    private static void AssertClean(string where, string text)
    {
        foreach (var (kind, value) in Secrets())
            Assert.False(text.Contains(value, StringComparison.Ordinal), $"{where} contains the {kind}");
    }

    [Fact]
    public void No_host_log_holds_a_secret()
    {
        var logs = TestEnvironment.Require("HSMVAULT_TEST_LOGS").Split(':', StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).ToList();
        Assert.NotEmpty(logs);
        foreach (var log in logs)
        {
            var text = File.ReadAllText(log);
            Assert.Contains("HsmVault vault ready", text); // the right file, really read
            AssertClean(log, text);
        }
    }

    [Fact]
    public async Task No_table_row_holds_a_secret()
    {
        var service = new TableServiceClient(TestEnvironment.Tables);
        var rows = 0;
        var sawCanaryRow = false;
        await foreach (var table in service.QueryAsync())
            await foreach (var row in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                rows++;
                var text = string.Join('\n', row.Select(p => $"{p.Key}={Text(p.Value)}"));
                sawCanaryRow |= text.Contains("hygiene-canary", StringComparison.Ordinal);
                AssertClean($"table {table.Name} row {row.PartitionKey}/{row.RowKey}", text);
            }
        Assert.True(rows > 0, "no table row scanned");
        Assert.True(sawCanaryRow, "the canary secret's own rows were not found: the scan did not cover the vault's tables");
    }

    [Fact]
    public async Task No_blob_holds_a_secret()
    {
        var service = new BlobServiceClient(TestEnvironment.Tables);
        var blobs = 0;
        var sawCanaryRecord = false;
        await foreach (var container in service.GetBlobContainersAsync())
        {
            var client = service.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None))
            {
                blobs++;
                var text = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                sawCanaryRecord |= text.Contains("/secrets/hygiene-canary", StringComparison.Ordinal);
                AssertClean($"blob {container.Name}/{blob.Name}", text);
            }
        }
        Assert.True(blobs > 0);
        Assert.True(sawCanaryRecord, "no audit record of the canary requests was found: the scan did not cover the audit log");
    }

    private static string Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes) + "\n" + Convert.ToBase64String(bytes),
        BinaryData data => data.ToString(),
        _ => value?.ToString() ?? "",
    };
}
