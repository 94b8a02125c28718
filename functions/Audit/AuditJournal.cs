using Azure;
using Azure.Data.Tables;
using HsmVault.Storage;
using Microsoft.Extensions.Logging;

namespace HsmVault.Audit;

/// <summary>
/// Lines of one commit waiting in the journal for their segment. Partition: the writing chain; row: the commit's first seq
/// and the entry's index in it, so a chain's rows read back in chain order.
/// </summary>
public sealed class AuditJournalEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    /// <summary>The vault-hour folder (<see cref="AuditBlobNames.HourFolder"/>) the lines belong in.</summary>
    public string Folder { get; set; } = "";
    /// <summary>Whole JSON lines, or one piece of a line too long for one entity (the next entries hold the rest).</summary>
    public byte[] Lines { get; set; } = [];
}

/// <summary>
/// The audit's write-ahead journal in Table storage. A commit is durable once its entries are here; the writer moves them into
/// the vault-hour segments in larger blocks a moment later and deletes them. Segments thus take a few appends a second
/// however busy the vault is: Azure's append blobs take at most 50,000 blocks, and Azurite keeps a metadata record per block
/// that it rewrites whole every few seconds. A chain whose instance died is moved by <see cref="AuditJournalReplay"/>.
/// </summary>
public sealed class AuditJournal(Tables tables, ILogger<AuditJournal> logger)
{
    /// <summary>Bytes per entry: a binary property holds at most 64 KiB.</summary>
    public const int MaxEntryBytes = 60 * 1024;
    /// <summary>Entries per transaction, so that one (base64 in JSON) stays under the 4 MiB payload limit.</summary>
    private const int MaxEntriesPerTransaction = 40;
    private const int MaxDeletesPerTransaction = 100;

    /// <summary>
    /// The entries of one commit, grouped into transactions that each end on a whole line: a transaction that lands alone
    /// (the writer died before the next) leaves a journal of whole records.
    /// </summary>
    public static List<List<AuditJournalEntity>> Plan(string chain, long firstSeq, IEnumerable<(string Folder, byte[] Line)> lines)
    {
        var transactions = new List<List<AuditJournalEntity>>();
        var current = new List<AuditJournalEntity>();
        var index = 0;
        string? folder = null;
        var buffer = new MemoryStream();
        void Emit(byte[] bytes, bool endsLine)
        {
            current.Add(new AuditJournalEntity { PartitionKey = chain, RowKey = $"{firstSeq:D19}.{index++:D5}", Folder = folder!, Lines = bytes });
            if (endsLine && current.Count >= MaxEntriesPerTransaction)
            {
                transactions.Add(current);
                current = [];
            }
        }
        void EmitBuffer()
        {
            if (buffer.Length == 0) return;
            Emit(buffer.ToArray(), endsLine: true);
            buffer.SetLength(0);
        }
        foreach (var (lineFolder, line) in lines)
        {
            if (lineFolder != folder || buffer.Length + line.Length > MaxEntryBytes) EmitBuffer();
            folder = lineFolder;
            if (line.Length <= MaxEntryBytes)
            {
                buffer.Write(line);
                continue;
            }
            // A line longer than an entry: its pieces go into consecutive entries of one transaction.
            for (var offset = 0; offset < line.Length; offset += MaxEntryBytes)
                Emit(line[offset..Math.Min(line.Length, offset + MaxEntryBytes)], endsLine: offset + MaxEntryBytes >= line.Length);
        }
        EmitBuffer();
        if (current.Count > 0) transactions.Add(current);
        return transactions;
    }

    /// <summary>Stores the entries; retried until stored (an upsert, so a retry of a write that had landed changes nothing).</summary>
    public async Task WriteAsync(List<List<AuditJournalEntity>> transactions)
    {
        foreach (var entries in transactions)
            await UntilDoneAsync("write", () => tables.AuditJournal.SubmitTransactionAsync(
                entries.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))));
    }

    /// <summary>Deletes entries whose lines are in their segments (an entry already gone is fine).</summary>
    public async Task DeleteAsync(IEnumerable<AuditJournalEntity> entries)
    {
        foreach (var chain in entries.GroupBy(e => e.PartitionKey))
            foreach (var chunk in chain.Chunk(MaxDeletesPerTransaction))
                await UntilDoneAsync("delete", async () =>
                {
                    try
                    {
                        await tables.AuditJournal.SubmitTransactionAsync(
                            chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)));
                    }
                    catch (TableTransactionFailedException e) when (e.Status == 404)
                    {
                        // A retry of a delete that had landed: delete one by one (a missing entity is not an error there).
                        foreach (var entry in chunk) await tables.AuditJournal.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, ETag.All);
                    }
                });
    }

    /// <summary>Every entry, each chain's in order.</summary>
    public IAsyncEnumerable<AuditJournalEntity> ReadAllAsync(CancellationToken ct) => tables.AuditJournal.QueryAsync<AuditJournalEntity>(cancellationToken: ct);

    private Task UntilDoneAsync(string what, Func<Task> call) => AuditRetry.UntilDoneAsync(logger, "journal " + what, call);
}
