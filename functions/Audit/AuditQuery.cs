using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using HsmVault.Storage;
using Microsoft.Extensions.Options;

namespace HsmVault.Audit;

/// <summary>Which records an auditor asks for. <see cref="Object"/> is <c>keys/name</c> or <c>secrets/name</c> (any version).</summary>
public sealed record AuditFilter(DateTimeOffset Start, DateTimeOffset End, string? Object = null, string? Caller = null,
    string? Operation = null, string? Result = null);

/// <summary>Counts of one key's use in one period, by operation, caller and result.</summary>
public sealed record UsageCount(string Key, DateTimeOffset Period, string Operation, string Caller, string Result, long Count);

/// <summary>
/// Reads a vault's records from its hourly segments and from the journal (records stored moments ago, or by an instance that
/// died before moving them), newest hour first. Exact duplicates (retried appends, replayed entries) are read once.
/// Pages are counted within an hour, so a continuation is the hour and how many of its matching records were returned.
/// </summary>
public sealed class AuditQuery(Blobs blobs, Tables tables, AuditJournal journal, IOptions<AuditOptions> options)
{
    public const int MaxHours = 31 * 24;

    public async Task<(List<JsonElement> Records, string? Continuation)> RecordsAsync(string vault, AuditFilter filter, int max,
        string? continuation, CancellationToken ct)
    {
        var (hour, skip) = ParseContinuation(continuation) ?? (Floor(filter.End), 0);
        var journaled = await JournaledAsync(ct);
        // The usage aggregates are the index by object: they name every hour in which a key or secret was used.
        var hoursUsed = AuditUsageCounter.ObjectOf(filter.Object) is { } obj
            ? (await UsageRowsAsync(vault, filter.Start, filter.End, ct)).Where(r => r.Object == obj).Select(r => r.Hour).ToHashSet()
            : null;
        var page = new List<JsonElement>();
        for (var scanned = 0; hour >= Floor(filter.Start) && scanned < MaxHours; hour = hour.AddHours(-1), scanned++, skip = 0)
        {
            if (hoursUsed is not null && !hoursUsed.Contains(hour)) continue;
            var matches = (await HourAsync(vault, hour, journaled, ct)).Where(r => Matches(r, filter)).OrderByDescending(TimeOf).ToList();
            var take = matches.Skip(skip).Take(max - page.Count).ToList();
            page.AddRange(take);
            if (page.Count >= max)
            {
                var consumed = skip + take.Count;
                return (page, consumed < matches.Count ? $"{hour.UtcTicks}.{consumed}" : (hour.AddHours(-1) >= Floor(filter.Start) ? $"{hour.AddHours(-1).UtcTicks}.0" : null));
            }
        }
        return (page, null);
    }

    /// <summary>
    /// Per object (key or secret): counts by period (hour or day), operation, caller and result, and each object's last use, from
    /// the usage aggregates of the days in the range. Periods are whole hours: an hour that overlaps the range counts entirely.
    /// </summary>
    public async Task<(List<UsageCount> Counts, Dictionary<string, DateTimeOffset> LastUse)> UsageAsync(string vault, DateTimeOffset start,
        DateTimeOffset end, bool daily, CancellationToken ct)
    {
        var rows = await UsageRowsAsync(vault, start, end, ct);
        var counts = rows
            .GroupBy(r => (r.Object, Period: daily ? new DateTimeOffset(r.Hour.UtcDateTime.Date, TimeSpan.Zero) : r.Hour, r.Operation, r.Caller, r.Result))
            .Select(g => new UsageCount(g.Key.Object, g.Key.Period, g.Key.Operation, g.Key.Caller, g.Key.Result, g.Sum(r => r.Count)))
            .OrderBy(c => c.Key, StringComparer.Ordinal).ThenByDescending(c => c.Period).ThenBy(c => c.Operation, StringComparer.Ordinal)
            .ThenBy(c => c.Caller, StringComparer.Ordinal).ThenBy(c => c.Result, StringComparer.Ordinal).ToList();
        var lastUse = rows.GroupBy(r => r.Object, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(r => r.LastUse), StringComparer.Ordinal);
        return (counts, lastUse);
    }

    /// <summary>The usage rows of the hours that overlap [start, end], from one partition per day.</summary>
    private async Task<List<AuditUsageEntity>> UsageRowsAsync(string vault, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var first = Floor(start);
        var days = Enumerable.Range(0, (int)(end.UtcDateTime.Date - start.UtcDateTime.Date).TotalDays + 1)
            .Select(d => new DateTimeOffset(start.UtcDateTime.Date.AddDays(d), TimeSpan.Zero));
        var rows = new List<AuditUsageEntity>();
        await Parallel.ForEachAsync(days, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (day, token) =>
        {
            var partition = AuditUsageEntity.Partition(vault, day);
            var found = new List<AuditUsageEntity>();
            await foreach (var row in tables.AuditUsage.QueryAsync<AuditUsageEntity>(r => r.PartitionKey == partition, cancellationToken: token))
                if (row.Hour >= first && row.Hour <= end) found.Add(row);
            lock (rows) rows.AddRange(found);
        });
        return rows;
    }

    /// <summary>Every record of a vault-hour (duplicates of retried appends once), oldest first: the hour's export.</summary>
    public async Task<List<JsonElement>> HourExportAsync(string vault, DateTimeOffset hour, CancellationToken ct) =>
        (await HourAsync(vault, Floor(hour), await JournaledAsync(ct), ct)).OrderBy(TimeOf).ToList();

    /// <summary>The journal's lines by folder: each chain's entries joined in order (a long line spans entries).</summary>
    private async Task<ILookup<string, byte[]>> JournaledAsync(CancellationToken ct)
    {
        var entries = new List<AuditJournalEntity>();
        await foreach (var entry in journal.ReadAllAsync(ct)) entries.Add(entry);
        return entries.OrderBy(e => e.PartitionKey, StringComparer.Ordinal).ThenBy(e => e.RowKey, StringComparer.Ordinal)
            .GroupBy(e => (e.PartitionKey, e.Folder))
            .ToLookup(g => g.Key.Folder, g => g.SelectMany(e => e.Lines).ToArray(), StringComparer.Ordinal);
    }

    private async Task<List<JsonElement>> HourAsync(string vault, DateTimeOffset hour, ILookup<string, byte[]> journaled, CancellationToken ct)
    {
        var folder = AuditBlobNames.HourFolder(AuditBlobNames.ResourceId(options.Value.ResourceIdPrefix, vault), hour);
        var records = new List<JsonElement>();
        var seen = new HashSet<(string, long)>();
        var contents = new List<byte[]>();
        await foreach (var blob in blobs.Audit.GetBlobsAsync(BlobTraits.None, BlobStates.None, folder, ct))
            contents.Add((await blobs.Audit.GetBlobClient(blob.Name).DownloadContentAsync(ct)).Value.Content.ToArray());
        contents.AddRange(journaled[folder]);
        foreach (var content in contents)
            foreach (var (line, _) in AuditChainFormat.Lines(content))
            {
                var record = JsonDocument.Parse(line).RootElement.Clone();
                if (record.TryGetProperty("hsmvault", out var link)
                    && !seen.Add((link.GetProperty("chain").GetString() ?? "", link.GetProperty("seq").GetInt64()))) continue;
                records.Add(record);
            }
        return records;
    }

    internal static bool Matches(JsonElement r, AuditFilter f)
    {
        var time = TimeOf(r);
        if (time < f.Start || time > f.End) return false;
        if (f.Operation is { } op && !string.Equals(r.GetProperty("operationName").GetString(), op, StringComparison.OrdinalIgnoreCase)) return false;
        if (f.Result is { } result && !new[] { "resultType", "resultSignature", "resultDescription" }
                .Any(p => string.Equals(r.GetProperty(p).GetString(), result, StringComparison.OrdinalIgnoreCase))) return false;
        if (f.Caller is { } caller && !CallersOf(r).Contains(caller, StringComparer.OrdinalIgnoreCase)) return false;
        if (f.Object is { } obj && ObjectOf(r) is var id
            && !(id is not null && (id.Equals(obj, StringComparison.OrdinalIgnoreCase) || id.StartsWith(obj.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase))))
            return false;
        return true;
    }

    private static DateTimeOffset TimeOf(JsonElement r) => r.GetProperty("time").GetDateTimeOffset();

    /// <summary>The object path of a record (<c>keys/name/version</c>) from its <c>properties.id</c> URL.</summary>
    internal static string? ObjectOf(JsonElement r) =>
        Uri.TryCreate(r.GetProperty("properties").GetProperty("id").GetString(), UriKind.Absolute, out var uri) && uri.AbsolutePath.Length > 1
            ? uri.AbsolutePath.Trim('/') : null;

    private static IEnumerable<string> CallersOf(JsonElement r)
    {
        if (!r.TryGetProperty("identity", out var identity)) yield break;
        foreach (var claim in new[] { AuditEvent.ObjectIdClaim, AuditEvent.AppIdClaim, AuditEvent.UpnClaim })
            if (identity.GetProperty("claim").TryGetProperty(claim, out var v) && v.GetString() is { } s) yield return s;
    }

    private static DateTimeOffset Floor(DateTimeOffset t)
    {
        var u = t.UtcDateTime;
        return new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, 0, 0, TimeSpan.Zero);
    }

    private static (DateTimeOffset, int)? ParseContinuation(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var parts = token.Split('.');
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var skip)
            && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks)
            return (new DateTimeOffset(ticks, TimeSpan.Zero), skip);
        throw new InvalidAuditContinuationException();
    }
}

public sealed class InvalidAuditContinuationException() : Exception("The $skiptoken is not one this query returned.");
