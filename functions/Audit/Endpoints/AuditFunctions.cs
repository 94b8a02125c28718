using System.Globalization;
using HsmVault.Http;
using HsmVault.Keys;
using HsmVault.Objects;
using HsmVault.Vaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Audit.Endpoints;

/// <summary>
/// Security officers' view of the audit log, on the management plane, for the auditor role (or the operator): a vault's records
/// filtered and paged newest first, and per-key usage with last use, keys unused for N days and keys near expiry.
/// </summary>
public sealed class AuditFunctions(ManagementPipeline pipeline, AuditQuery query, AuditSigningKey signingKey, KeyStore keys, TimeProvider clock)
{
    private const int DefaultPage = 100, MaxPage = 1000;

    [Function("AuditRecords")]
    public Task<IActionResult> Records(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/audit/vaults/{vaultName}/records")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "AuditRecordList", vaultName, async ctx =>
        {
            var vault = VaultNames.Require(vaultName).ToLowerInvariant();
            var q = req.Query;
            var (start, end) = Range(q, TimeSpan.FromHours(1));
            var max = Number(q["maxresults"], DefaultPage, 1, MaxPage, "maxresults");
            var filter = new AuditFilter(start, end, Text(q["object"]), Text(q["caller"]), Text(q["operation"]), Text(q["result"]));
            var (records, next) = await Run(() => query.RecordsAsync(vault, filter, max, Text(q["$skiptoken"]), ctx.Cancellation));
            return VaultResult.Ok(new { value = records, nextLink = next is null ? null : NextLink(req, next) });
        }, auditorsToo: true);

    /// <summary>The deployment's audit public key (PEM), what <c>hsmvault audit verify --public-key</c> takes.</summary>
    [Function("AuditSigningKey")]
    public Task<IActionResult> SigningKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/audit/signing-key")] HttpRequest req) =>
        pipeline.RunAsync(req, "AuditSigningKeyGet", null, async ctx =>
            VaultResult.Ok(new { pem = await signingKey.PublicKeyPemAsync(ctx.Cancellation) }), auditorsToo: true);

    /// <summary>One vault-hour as Key Vault's classic <c>PT1H.json</c> document, <c>{"records":[…]}</c>, for tools that read that form.</summary>
    [Function("AuditExport")]
    public Task<IActionResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/audit/vaults/{vaultName}/export")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "AuditExport", vaultName, async ctx =>
        {
            var vault = VaultNames.Require(vaultName).ToLowerInvariant();
            var hour = Time(req.Query["hour"]) ?? throw VaultException.BadParameter("hour is required (an ISO 8601 time within the hour).");
            return VaultResult.Ok(new { records = await query.HourExportAsync(vault, hour, ctx.Cancellation) });
        }, auditorsToo: true);

    [Function("AuditKeyUsage")]
    public Task<IActionResult> Usage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/audit/vaults/{vaultName}/usage")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "AuditKeyUsage", vaultName, async ctx =>
        {
            var vault = VaultNames.Require(vaultName).ToLowerInvariant();
            var q = req.Query;
            var (start, end) = Range(q, TimeSpan.FromDays(1));
            var daily = Text(q["granularity"]) switch
            {
                null or "hour" => false,
                "day" => true,
                _ => throw VaultException.BadParameter("granularity must be 'hour' or 'day'."),
            };
            var now = clock.GetUtcNow();
            var unusedDays = Number(q["unusedDays"], 30, 1, AuditQuery.MaxHours / 24, "unusedDays");
            var nearExpiryDays = Number(q["nearExpiryDays"], 30, 0, 3650, "nearExpiryDays");
            var (counts, lastInRange) = await query.UsageAsync(vault, start, end, daily, ctx.Cancellation);
            var (_, recentUse) = await query.UsageAsync(vault, now.AddDays(-unusedDays), now, daily: true, ctx.Cancellation);

            var current = new List<KeyEntity>();
            string? continuation = null;
            do
            {
                var page = await keys.ListCurrentAsync(vault, 100, continuation, ctx.Cancellation);
                current.AddRange(page.Values);
                continuation = page.ContinuationToken;
            } while (continuation is not null && current.Count < 100_000);

            return VaultResult.Ok(new
            {
                start, end, granularity = daily ? "day" : "hour",
                keys = UsageOf(counts, lastInRange, "keys/"),
                secrets = UsageOf(counts, lastInRange, "secrets/"),
                lastUse = recentUse.Where(k => k.Key.StartsWith("keys/", StringComparison.Ordinal)).OrderBy(k => k.Key, StringComparer.Ordinal).ToDictionary(k => k.Key, k => k.Value),
                unusedKeys = current.Select(k => $"keys/{k.Name.ToLowerInvariant()}").Where(k => !recentUse.ContainsKey(k)).Order(StringComparer.Ordinal),
                nearExpiry = current.Where(k => k.Expires is { } exp && exp <= now.AddDays(nearExpiryDays))
                    .OrderBy(k => k.Expires).Select(k => new { key = $"keys/{k.Name.ToLowerInvariant()}", expires = k.Expires }),
            });
        }, auditorsToo: true);

    private static IEnumerable<object> UsageOf(List<UsageCount> counts, Dictionary<string, DateTimeOffset> lastUse, string kind) =>
        counts.Where(c => c.Key.StartsWith(kind, StringComparison.Ordinal)).GroupBy(c => c.Key).Select(g => new
        {
            key = g.Key,
            lastUse = lastUse[g.Key],
            usage = g.Select(c => new { period = c.Period, operation = c.Operation, caller = c.Caller, result = c.Result, count = c.Count }),
        });

    private static async Task<T> Run<T>(Func<Task<T>> query)
    {
        try { return await query(); }
        catch (InvalidAuditContinuationException e) { throw VaultException.BadParameter(e.Message); }
    }

    private (DateTimeOffset Start, DateTimeOffset End) Range(IQueryCollection q, TimeSpan defaultSpan)
    {
        var end = Time(q["end"]) ?? clock.GetUtcNow();
        var start = Time(q["start"]) ?? end - defaultSpan;
        if (start > end) throw VaultException.BadParameter("start must not be after end.");
        if (end - start > TimeSpan.FromHours(AuditQuery.MaxHours)) throw VaultException.BadParameter($"The range may span at most {AuditQuery.MaxHours / 24} days.");
        return (start, end);
    }

    private static DateTimeOffset? Time(string? s) =>
        string.IsNullOrEmpty(s) ? null
        : DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUniversalTime()
        : throw VaultException.BadParameter($"'{s}' is not an ISO 8601 time.");

    private static int Number(string? s, int fallback, int min, int max, string name) =>
        string.IsNullOrEmpty(s) ? fallback
        : int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw VaultException.BadParameter($"{name} must be a whole number from {min} to {max}.");

    private static string? Text(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static string NextLink(HttpRequest req, string token)
    {
        var query = req.Query.Where(p => p.Key != "$skiptoken").Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}")
            .Append($"$skiptoken={Uri.EscapeDataString(token)}");
        return $"{req.Scheme}://{req.Host}{req.PathBase}{req.Path}?{string.Join('&', query)}";
    }
}
