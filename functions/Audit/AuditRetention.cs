using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using HsmVault.Storage;
using HsmVault.Storage.Sweeps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Audit;

/// <summary>
/// Deletes audit segments (whole vault-hours) older than <see cref="AuditOptions.RetentionDays"/>. Before deleting it signs,
/// in the HSM, a <see cref="RetentionCheckpoint"/> per chain with the last removed record's seq and hash, so the verifier can
/// still prove the retained part unaltered and complete. Safe to run again after a crash: checkpoints are written before any
/// delete, and a later run finds the segments that are left.
/// </summary>
public sealed class AuditRetention(Blobs blobs, AuditSigningKey key, IOptions<AuditOptions> options, TimeProvider clock,
    ILogger<AuditRetention> logger) : ISweep
{
    public string Name => "AuditRetention";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (options.Value.RetentionDays == 0) return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(-options.Value.RetentionDays);

        var expired = new List<string>();
        await foreach (var blob in blobs.Audit.GetBlobsAsync(BlobTraits.None, BlobStates.None, "resourceId=", ct))
            if (AuditBlobNames.HourOf(blob.Name) is { } hour && hour.AddHours(1) <= cutoff) expired.Add(blob.Name);
        if (expired.Count == 0) return 0;

        var last = new Dictionary<string, (long Seq, string Hash)>();
        foreach (var name in expired)
        {
            var content = (await blobs.Audit.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content.ToArray();
            foreach (var (line, _) in AuditChainFormat.Lines(content))
                if (Link(line) is { } link && (!last.TryGetValue(link.Chain, out var seen) || link.Seq > seen.Seq))
                    last[link.Chain] = (link.Seq, AuditChainFormat.Link(link.Prev, line));
        }
        foreach (var (chain, (seq, hash)) in last)
            await CheckpointAsync(chain, seq, hash, cutoff, ct);
        foreach (var name in expired)
            await blobs.Audit.DeleteBlobIfExistsAsync(name, cancellationToken: ct);
        logger.LogInformation("Audit retention removed {Segments} segments older than {Cutoff:O} ({Chains} chains checkpointed)",
            expired.Count, cutoff, last.Count);
        return expired.Count;
    }

    private async Task CheckpointAsync(string chain, long seq, string hash, DateTimeOffset cutoff, CancellationToken ct)
    {
        var signature = await key.SignAsync(AuditChainFormat.RetentionDigest(chain, seq, hash, cutoff), ct);
        var checkpoint = new RetentionCheckpoint(chain, seq, hash, cutoff, Convert.ToBase64String(signature));
        var blob = blobs.Audit.GetAppendBlobClient(AuditChainFormat.RetentionBlobName(chain));
        await blob.CreateIfNotExistsAsync(cancellationToken: ct);
        using var line = new MemoryStream();
        JsonSerializer.Serialize(line, checkpoint);
        line.WriteByte((byte)'\n');
        line.Position = 0;
        await blob.AppendBlockAsync(line, cancellationToken: ct);
    }

    private static ChainLink? Link(byte[] line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("hsmvault", out var link) ? link.Deserialize<ChainLink>() : null;
        }
        catch (JsonException)
        {
            return null; // not a record of ours: the verifier reports it; retention only needs the chained ones
        }
    }
}
