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
/// Reads a vault's records from its hourly segments, newest hour first. Retried appends' exact duplicates are read once.
/// Pages are counted within an hour, so a continuation is the hour and how many of its matching records were returned.
/// </summary>
public sealed class AuditQuery(Blobs blobs, IOptions<AuditOptions> options)
{
    public const int MaxHours = 31 * 24;

    public async Task<(List<JsonElement> Records, string? Continuation)> RecordsAsync(string vault, AuditFilter filter, int max,
        string? continuation, CancellationToken ct)
    {
        var (hour, skip) = ParseContinuation(continuation) ?? (Floor(filter.End), 0);
        var page = new List<JsonElement>();
        for (var scanned = 0; hour >= Floor(filter.Start) && scanned < MaxHours; hour = hour.AddHours(-1), scanned++, skip = 0)
        {
            var matches = (await HourAsync(vault, hour, ct)).Where(r => Matches(r, filter)).OrderByDescending(TimeOf).ToList();
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

    /// <summary>Per key: counts by period (hour or day), operation, caller and result, and each key's last use in the range.</summary>
    public async Task<(List<UsageCount> Counts, Dictionary<string, DateTimeOffset> LastUse)> UsageAsync(string vault, DateTimeOffset start,
        DateTimeOffset end, bool daily, CancellationToken ct)
    {
        var counts = new Dictionary<(string, DateTimeOffset, string, string, string), long>();
        var lastUse = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var filter = new AuditFilter(start, end);
        var hours = 0;
        for (var hour = Floor(end); hour >= Floor(start) && hours < MaxHours; hour = hour.AddHours(-1), hours++)
            foreach (var r in (await HourAsync(vault, hour, ct)).Where(r => Matches(r, filter)))
            {
                if (KeyOf(r) is not { } key) continue;
                var time = TimeOf(r);
                var period = daily ? new DateTimeOffset(time.UtcDateTime.Date, TimeSpan.Zero) : Floor(time);
                var k = (key, period, r.GetProperty("operationName").GetString() ?? "", CallerOf(r) ?? "", r.GetProperty("resultType").GetString() ?? "");
                counts[k] = counts.GetValueOrDefault(k) + 1;
                if (!lastUse.TryGetValue(key, out var seen) || time > seen) lastUse[key] = time;
            }
        return (counts.Select(c => new UsageCount(c.Key.Item1, c.Key.Item2, c.Key.Item3, c.Key.Item4, c.Key.Item5, c.Value))
            .OrderBy(c => c.Key, StringComparer.Ordinal).ThenByDescending(c => c.Period).ThenBy(c => c.Operation, StringComparer.Ordinal)
            .ThenBy(c => c.Caller, StringComparer.Ordinal).ThenBy(c => c.Result, StringComparer.Ordinal).ToList(), lastUse);
    }

    private async Task<List<JsonElement>> HourAsync(string vault, DateTimeOffset hour, CancellationToken ct)
    {
        var folder = AuditBlobNames.HourFolder(AuditBlobNames.ResourceId(options.Value.ResourceIdPrefix, vault), hour);
        var records = new List<JsonElement>();
        var seen = new HashSet<(string, long)>();
        await foreach (var blob in blobs.Audit.GetBlobsAsync(BlobTraits.None, BlobStates.None, folder, ct))
        {
            var content = (await blobs.Audit.GetBlobClient(blob.Name).DownloadContentAsync(ct)).Value.Content.ToMemory();
            foreach (var line in Lines(content))
            {
                var record = JsonDocument.Parse(line).RootElement.Clone();
                if (record.TryGetProperty("hsmvault", out var link)
                    && !seen.Add((link.GetProperty("chain").GetString() ?? "", link.GetProperty("seq").GetInt64()))) continue;
                records.Add(record);
            }
        }
        return records;
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Lines(ReadOnlyMemory<byte> content)
    {
        while (content.Length > 0)
        {
            var end = content.Span.IndexOf((byte)'\n');
            var line = end < 0 ? content : content[..end];
            if (line.Length > 0) yield return line;
            content = end < 0 ? ReadOnlyMemory<byte>.Empty : content[(end + 1)..];
        }
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

    private static string? KeyOf(JsonElement r) =>
        ObjectOf(r) is { } id && id.StartsWith("keys/", StringComparison.OrdinalIgnoreCase) ? string.Join('/', id.Split('/').Take(2)).ToLowerInvariant() : null;

    private static IEnumerable<string> CallersOf(JsonElement r)
    {
        if (!r.TryGetProperty("identity", out var identity)) yield break;
        foreach (var claim in new[] { AuditEvent.ObjectIdClaim, AuditEvent.AppIdClaim, AuditEvent.UpnClaim })
            if (identity.GetProperty("claim").TryGetProperty(claim, out var v) && v.GetString() is { } s) yield return s;
    }

    private static string? CallerOf(JsonElement r) => CallersOf(r).FirstOrDefault();

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
