using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs.Specialized;
using HsmVault.Storage;
using Microsoft.Extensions.Logging;

namespace HsmVault.Audit;

/// <summary>
/// Appends lines to the vault-hour segments (append blobs in Key Vault's layout). An append is retried with the same bytes
/// until it lands, so a chain never has a hole: a retry whose first attempt had landed leaves exact duplicate lines, which
/// the verifier and the queries recognise. A busy hour continues in the folder's next part once a blob nears 50,000 blocks.
/// </summary>
public sealed class AuditSegments(Blobs blobs, ILogger<AuditSegments> logger)
{
    /// <summary>Largest block an append carries: the append-block limit of every service version (newer ones take more).</summary>
    public const int MaxBlockBytes = 4 * 1024 * 1024;
    /// <summary>Past this many committed blocks a blob is left for the next part (the limit is 50,000).</summary>
    private const int BlockRollover = 49_000;

    private readonly ConcurrentDictionary<string, int> _parts = new();     // hour folder → current part
    private readonly ConcurrentDictionary<string, bool> _created = new();  // blobs known to exist

    /// <summary>Appends journal entries (in chain order) to their segments: one append per vault-hour blob, all at once.</summary>
    public Task AppendAsync(IEnumerable<AuditJournalEntity> entries) =>
        Task.WhenAll(entries.GroupBy(e => e.Folder).Select(g => AppendAsync(g.Key, g.Select(e => e.Lines))));

    /// <summary>
    /// Appends <paramref name="pieces"/> (in order; together whole lines) to the folder's segment in as few blocks as fit. A
    /// block ends only at the end of a line: another instance's block may land between two of ours.
    /// </summary>
    private async Task AppendAsync(string folder, IEnumerable<byte[]> pieces)
    {
        using var block = new MemoryStream();
        foreach (var piece in pieces)
        {
            if (block.Length > 0 && block.Length + piece.Length > MaxBlockBytes && block.GetBuffer()[block.Length - 1] == (byte)'\n')
            {
                await AppendUntilStoredAsync(folder, block.ToArray());
                block.SetLength(0);
            }
            block.Write(piece);
        }
        if (block.Length > 0) await AppendUntilStoredAsync(folder, block.ToArray());
    }

    private async Task AppendUntilStoredAsync(string folder, byte[] block)
    {
        for (var attempt = 1; ; attempt++)
        {
            var part = _parts.GetValueOrDefault(folder);
            var name = folder + (part == 0 ? "PT1H.json" : $"PT1H.{part}.json");
            var blob = blobs.Audit.GetAppendBlobClient(name);
            try
            {
                if (_created.TryAdd(name, true)) await blob.CreateIfNotExistsAsync();
                using var content = new MemoryStream(block, writable: false);
                var info = await blob.AppendBlockAsync(content);
                if (info.Value.BlobCommittedBlockCount >= BlockRollover) _parts[folder] = part + 1;
                return;
            }
            catch (RequestFailedException e) when (e.ErrorCode == "BlockCountExceedsLimit")
            {
                _parts[folder] = part + 1;
            }
            catch (Exception e)
            {
                if (e is RequestFailedException { Status: 404 }) _created.TryRemove(name, out _);
                logger.LogWarning("Audit append to {Blob} failed (attempt {Attempt}): {Error}; retrying", name, attempt, e.GetType().Name);
                await Task.Delay(AuditRetry.Backoff(attempt));
            }
        }
    }
}
