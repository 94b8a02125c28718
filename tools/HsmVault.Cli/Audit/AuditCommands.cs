using System.CommandLine;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using HsmVault.Audit;

namespace HsmVault.Cli.Audit;

/// <summary><c>hsmvault audit verify</c>: checks the stored audit log offline against the audit public key.</summary>
public static class AuditCommands
{
    public static Command Create()
    {
        var connection = new Option<string>("--connection-string")
        {
            Description = "Storage connection string of the audit container (or env HSMVAULT_AUDIT_STORAGE)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HSMVAULT_AUDIT_STORAGE") ?? "",
        };
        var container = new Option<string>("--container") { Description = "Audit blob container", DefaultValueFactory = _ => "insights-logs-auditevent" };
        var key = new Option<FileInfo>("--public-key") { Description = "The deployment's audit public key (PEM)", Required = true };
        var verify = new Command("verify", "Report the first altered, removed, reordered or inserted record of each chain, and chains cut short") { connection, container, key };
        verify.SetAction(async (parse, ct) =>
        {
            var connectionString = parse.GetValue(connection);
            if (string.IsNullOrEmpty(connectionString))
            {
                Console.Error.WriteLine("audit verify: --connection-string (or HSMVAULT_AUDIT_STORAGE) is required");
                return 2;
            }
            using var ec = ECDsa.Create();
            ec.ImportFromPem(await File.ReadAllTextAsync(parse.GetValue(key)!.FullName, ct));
            var client = new BlobContainerClient(connectionString, parse.GetValue(container));
            var report = new AuditVerifier(ec).Verify(
                await ReadAsync(client, "resourceId=", ct), await ReadAsync(client, AuditChainFormat.HeadsPrefix, ct),
                await ReadAsync(client, AuditChainFormat.RetentionPrefix, ct));
            Print(report, Console.Out);
            return report.Intact ? 0 : 1;
        });
        return new Command("audit", "Audit log tools") { verify };
    }

    public static void Print(AuditReport report, TextWriter output)
    {
        foreach (var problem in report.Problems) output.WriteLine($"PROBLEM {problem}");
        foreach (var warning in report.Warnings) output.WriteLine($"warning {warning}");
        foreach (var note in report.Notes ?? []) output.WriteLine($"note {note}");
        output.WriteLine($"{(report.Intact ? "intact" : "TAMPERED")}: {report.Chains} chains, {report.Records} records" +
            $"{(report.Duplicates > 0 ? $" ({report.Duplicates} exact duplicates of retried appends)" : "")}, {report.Problems.Count} problems");
    }

    public static async Task<List<StoredBlob>> ReadAsync(BlobContainerClient client, string prefix, CancellationToken ct)
    {
        var blobs = new List<StoredBlob>();
        await foreach (var item in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, ct))
        {
            var content = await client.GetBlobClient(item.Name).DownloadContentAsync(ct);
            blobs.Add(new StoredBlob(item.Name, content.Value.Content.ToArray()));
        }
        return blobs;
    }
}
