using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using HsmVault.Telemetry;
using OpenTelemetry.Metrics;

namespace HsmVault.Tests.Telemetry;

// Alone: the "HsmVault" source and meter are process-wide, so other tests' stores would add to the counts.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<InProcessHost>
{
    public const string Name = "telemetry (in-process host)";
}

[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(InProcessHost host)
{
    private const string V = "api-version=7.6";

    [Fact]
    public async Task A_signing_request_is_one_trace_with_authentication_policy_hsm_storage_and_audit_spans_and_its_correlation_id()
    {
        var token = await host.TokenAsync();
        var key = $"otel-{Guid.NewGuid():N}"[..20];
        var createCorrelation = "otel-create-" + Guid.NewGuid().ToString("N");
        var created = await host.SendAsync(HttpMethod.Post, $"keys/{key}/create?{V}", token, new { kty = "RSA", key_size = 2048 }, createCorrelation);
        Assert.Equal(200, created.Status);
        var kid = created.Body.GetProperty("key").GetProperty("kid").GetString()!;
        var correlation = "otel-" + Guid.NewGuid().ToString("N");

        var signed = await host.SendAsync(HttpMethod.Post, $"keys/{key}/{kid[(kid.LastIndexOf('/') + 1)..]}/sign?{V}", token,
            new { alg = "RS256", value = Digest("trace me") }, correlation);
        Assert.Equal(200, signed.Status);

        var request = await SpanAsync(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem(HsmVaultTelemetry.CorrelationIdTag), correlation));
        Assert.Equal("KeySign", request.GetTagItem(HsmVaultTelemetry.OperationTag));
        Assert.Equal("default", request.GetTagItem(HsmVaultTelemetry.VaultTag));
        Assert.Equal("Success", request.GetTagItem(HsmVaultTelemetry.ResultTag));
        Assert.Equal("keys/{name}/{version}/sign", request.GetTagItem("http.route")?.ToString()?.TrimStart('/'));
        var names = (await UnderAsync(request, Spans.AuditWrite)).Select(s => s.DisplayName).ToList();
        Assert.Contains(Spans.Authenticate, names);
        Assert.Contains(Spans.Authorize, names);
        Assert.Contains("hsm.SignRsaPkcs1", names);
        Assert.Contains(Spans.AuditWrite, names);

        // The group commit that stored the record links back to the request.
        var commit = await SpanAsync(s => s.DisplayName == Spans.AuditCommit && s.Links.Any(l => l.Context.TraceId == request.TraceId));
        Assert.True((int)commit.GetTagItem(HsmVaultTelemetry.AuditRecordsTag)! >= 1);

        // Table storage calls of the create request are spans of its trace (the Azure SDK's "Azure.*" sources).
        var create = await SpanAsync(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem(HsmVaultTelemetry.CorrelationIdTag), createCorrelation));
        Assert.Equal("KeyCreate", create.GetTagItem(HsmVaultTelemetry.OperationTag));
        var createTrace = await UnderAsync(create, Spans.AuditWrite);
        Assert.Contains(createTrace, s => s.DisplayName == "hsm.GenerateRsa");
        Assert.Contains(createTrace, s => s.Source.Name.StartsWith("Azure.Data.Tables", StringComparison.Ordinal) && s.DisplayName.StartsWith("TableClient."));
    }

    [Fact]
    public async Task Requests_hsm_calls_audit_commits_and_caches_are_counted_exactly()
    {
        var token = await host.TokenAsync();
        var key = $"otel-{Guid.NewGuid():N}"[..20];
        var created = await host.SendAsync(HttpMethod.Post, $"keys/{key}/create?{V}", token, new { kty = "EC", crv = "P-256" });
        Assert.Equal(200, created.Status);
        var kid = created.Body.GetProperty("key").GetProperty("kid").GetString()!;
        var denied = await host.SendAsync(HttpMethod.Post, $"keys/{key}/{kid[(kid.LastIndexOf('/') + 1)..]}/sign?{V}", token, new { alg = "RS256", value = Digest("x") });
        Assert.Equal(400, denied.Status); // an EC key cannot do RS256: the warm-up request also fills the caches
        await WaitForAuditQuietAsync();

        var before = host.MetricsNow();
        const int signs = 3;
        for (var i = 0; i < signs; i++)
            Assert.Equal(200, (await host.SendAsync(HttpMethod.Post, $"keys/{key}/{kid[(kid.LastIndexOf('/') + 1)..]}/sign?{V}", token,
                new { alg = "ES256", value = Digest("count me " + i) })).Status);
        await WaitForAuditQuietAsync();
        var after = host.MetricsNow();

        long Delta(string metric, Func<MetricPoint, long> value, params (string Key, object Value)[] tags) =>
            Sum(after, metric, value, tags) - Sum(before, metric, value, tags);

        var sign = (HsmVaultTelemetry.OperationTag, (object)"KeySign");
        Assert.Equal(signs, Delta("hsmvault.requests", p => p.GetSumLong(), sign, (HsmVaultTelemetry.ResultTag, "Success"), (HsmVaultTelemetry.StatusCodeTag, 200)));
        Assert.Equal(0, Delta("hsmvault.requests", p => p.GetSumLong(), sign, (HsmVaultTelemetry.StatusCodeTag, 400)));
        Assert.Equal(signs, Delta("hsmvault.request.duration", p => p.GetHistogramCount(), sign));
        Assert.Equal(signs, Delta("hsmvault.hsm.operation.duration", p => p.GetHistogramCount(), (HsmVaultTelemetry.HsmOperationTag, "SignEcdsa")));
        Assert.Equal(signs, Delta("hsmvault.audit.commit.records", p => (long)p.GetHistogramSum()));
        Assert.InRange(Delta("hsmvault.audit.commit.duration", p => p.GetHistogramCount()), 1, signs);
        // Same token, same policies, same key row (reused for a second): hits only, once per request.
        Assert.Equal(signs, Delta("hsmvault.cache.lookups", p => p.GetSumLong(), (HsmVaultTelemetry.CacheTag, "tokens"), (HsmVaultTelemetry.CacheResultTag, "hit")));
        Assert.Equal(signs, Delta("hsmvault.cache.lookups", p => p.GetSumLong(), (HsmVaultTelemetry.CacheTag, "grants"), (HsmVaultTelemetry.CacheResultTag, "hit")));
        Assert.Equal(0, Delta("hsmvault.cache.lookups", p => p.GetSumLong(), (HsmVaultTelemetry.CacheTag, "grants"), (HsmVaultTelemetry.CacheResultTag, "miss")));
        Assert.Equal(signs, Delta("hsmvault.cache.lookups", p => p.GetSumLong(), (HsmVaultTelemetry.CacheTag, "key_rows")));
        Assert.Equal(signs, Delta("hsmvault.cache.lookups", p => p.GetSumLong(), (HsmVaultTelemetry.CacheTag, "vault_state")));

        // Every session went back to the pool.
        var sessions = Assert.Single(after.Where(m => m.Name == "hsmvault.hsm.sessions.in_use").SelectMany(m => m.MetricPoints));
        Assert.Equal(0, sessions.GetGaugeLastValueLong());
    }

    [Fact]
    public async Task No_token_secret_pin_query_value_or_authorization_header_reaches_a_span_a_metric_or_a_log()
    {
        var token = await host.TokenAsync();
        var secretValue = "s3cret-value-" + Guid.NewGuid().ToString("N");
        var skiptoken = "skip-" + Guid.NewGuid().ToString("N");
        var digest = Digest("never recorded");
        var name = $"otel-{Guid.NewGuid():N}"[..20];
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Put, $"secrets/{name}?{V}", token, new { value = secretValue })).Status);
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Get, $"secrets/{name}?{V}", token)).Status);
        await host.SendAsync(HttpMethod.Get, $"secrets?{V}&maxresults=1&$skiptoken={skiptoken}", token);
        var key = await host.SendAsync(HttpMethod.Post, $"keys/{name}/create?{V}", token, new { kty = "EC", crv = "P-256" });
        var kid = key.Body.GetProperty("key").GetProperty("kid").GetString()!;
        await host.SendAsync(HttpMethod.Post, $"keys/{name}/{kid[(kid.LastIndexOf('/') + 1)..]}/sign?{V}", token, new { alg = "ES256", value = digest });
        await host.SendAsync(HttpMethod.Get, $"secrets?{V}", "not-a-token." + skiptoken); // a failure path logs too
        var list = await SpanAsync(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem(HsmVaultTelemetry.OperationTag), "SecretList"));
        await WaitForAuditQuietAsync();

        var recorded = new List<string>();
        foreach (var span in host.Spans)
        {
            recorded.Add(span.DisplayName);
            recorded.AddRange(span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            recorded.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")));
            recorded.AddRange(span.Baggage.Select(b => $"{b.Key}={b.Value}"));
        }
        foreach (var metric in host.MetricsNow())
            foreach (var point in metric.MetricPoints)
                foreach (var tag in point.Tags) recorded.Add($"{metric.Name}:{tag.Key}={tag.Value}");
        recorded.AddRange(host.Logs);

        Assert.Contains(recorded, r => r.StartsWith(HsmVaultTelemetry.CorrelationIdTag + "=")); // the scan sees tags
        Assert.NotEmpty(host.Logs); // and logs
        Assert.Null(list.GetTagItem("url.query"));
        Assert.Null(list.GetTagItem("url.full"));
        foreach (var forbidden in new[] { token, token.Split('.')[2], host.ClientSecret, TestEnvironment.Require("HSMVAULT_TEST_PIN"), secretValue, skiptoken, digest })
            Assert.DoesNotContain(recorded, r => r.Contains(forbidden, StringComparison.Ordinal));
        Assert.DoesNotContain(recorded, r => r.Contains("authorization", StringComparison.OrdinalIgnoreCase) && r.Contains("Bearer", StringComparison.Ordinal));
        Assert.DoesNotContain(recorded, r => r.StartsWith("http.request.header.", StringComparison.Ordinal));
    }

    private static string Digest(string text) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Server spans end just after the response is sent: wait for the one wanted.</summary>
    private async Task<Activity> SpanAsync(Func<Activity, bool> match)
    {
        for (var i = 0; i < 100; i++)
        {
            if (host.Spans.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("no such span; spans: " + string.Join(", ", host.Spans.Select(s => s.DisplayName).Distinct()));
    }

    /// <summary>The spans below <paramref name="root"/>, once one named <paramref name="last"/> has ended there.</summary>
    private async Task<List<Activity>> UnderAsync(Activity root, string last)
    {
        List<Activity> Below()
        {
            var all = host.Spans.Where(s => s.TraceId == root.TraceId).ToList();
            var inside = new HashSet<ActivitySpanId> { root.SpanId };
            for (var grew = true; grew;)
            {
                grew = false;
                foreach (var s in all.Where(s => !inside.Contains(s.SpanId) && inside.Contains(s.ParentSpanId))) grew |= inside.Add(s.SpanId);
            }
            return all.Where(s => s != root && inside.Contains(s.SpanId)).ToList();
        }
        for (var i = 0; i < 100 && !Below().Any(s => s.DisplayName == last); i++) await Task.Delay(50);
        return Below();
    }

    /// <summary>Audit commits run after the response: wait until the last one has been measured.</summary>
    private async Task WaitForAuditQuietAsync()
    {
        var seen = -1;
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(100);
            var now = host.Spans.Count(s => s.DisplayName == Spans.AuditCommit);
            if (now == seen) return;
            seen = now;
        }
    }

    private static long Sum(List<MetricSnapshot> metrics, string name, Func<MetricPoint, long> value, (string Key, object Value)[] tags)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
            foreach (var point in metric.MetricPoints)
            {
                var pointTags = new Dictionary<string, object?>();
                foreach (var t in point.Tags) pointTags[t.Key] = t.Value;
                if (tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(Convert.ToString(v), Convert.ToString(t.Value)))) total += value(point);
            }
        return total;
    }
}
