using HsmVault.Storage.Sweeps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Audit;

/// <summary>
/// Moves the journal entries of chains whose instance died (SIGKILL, a lost VM) into their segments, in chain order, and
/// deletes them. A chain is taken only when its newest entry is older than <see cref="AuditOptions.JournalReplayAfter"/>,
/// far past any live writer's flush, and never this instance's own chain. Safe to run again: an entry is deleted only after
/// its lines are in their segment, and lines appended twice are exact duplicates the verifier and the queries read once.
/// </summary>
public sealed class AuditJournalReplay(AuditJournal journal, AuditSegments segments, AuditLog log, IOptions<AuditOptions> options,
    TimeProvider clock, ILogger<AuditJournalReplay> logger) : ISweep
{
    public string Name => "AuditJournalReplay";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var chains = new Dictionary<string, List<AuditJournalEntity>>(StringComparer.Ordinal);
        await foreach (var entry in journal.ReadAllAsync(ct))
        {
            if (entry.PartitionKey == log.ChainId) continue;
            if (!chains.TryGetValue(entry.PartitionKey, out var entries)) chains[entry.PartitionKey] = entries = [];
            entries.Add(entry);
        }
        var stale = clock.GetUtcNow() - options.Value.JournalReplayAfter;
        var replayed = 0;
        foreach (var (chain, entries) in chains)
        {
            if (entries.Max(e => e.Timestamp) > stale) continue;
            ct.ThrowIfCancellationRequested();
            entries.Sort((a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
            await segments.AppendAsync(entries);
            await journal.DeleteAsync(entries);
            logger.LogWarning("Audit chain {Chain} stopped without moving {Entries} journal entries into its segments; moved them now",
                chain, entries.Count);
            replayed++;
        }
        return replayed;
    }
}
