using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HsmVault.Tests.InProcess;
using HsmVault.Tests.Secrets;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HsmVault.Tests.Telemetry;

/// <summary>
/// The standalone host run inside the test process (real SoftHSM2 token, Azurite, HTTPS on loopback) with in-memory exporters:
/// what the service emits can be read back span by span and metric point by metric point.
/// </summary>
public sealed class InProcessHost : IAsyncLifetime
{
    public const string ClientId = "telemetry-admin";
    public const string Tenant = "11111111-1111-4111-8111-111111111111";
    public string ClientSecret { get; } = "dev-secret-" + Guid.NewGuid().ToString("N");
    public string AdminObjectId { get; } = Guid.NewGuid().ToString();

    public Collected<Activity> Spans { get; } = new();
    public Collected<MetricSnapshot> Metrics { get; } = new();
    public Collected<string> Logs { get; } = new();

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hsmvault-otel-");
    private InProcessApp _app = null!;
    public HttpClient Client => _app.Client;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", TestHostEnvironment.SoftHsmConf);
        Dictionary<string, string> settings = new()
        {
            ["HsmVault:Hsm:LibraryPath"] = "/usr/lib/softhsm/libsofthsm2.so",
            ["HsmVault:Hsm:TokenLabel"] = TestHostEnvironment.TokenLabel,
            ["HsmVault:Hsm:UserPin"] = TestHostEnvironment.TokenPin,
            ["HsmVault:Storage:ConnectionString"] = TestEnvironment.Tables,
            ["HsmVault:Storage:TablePrefix"] = TestEnvironment.UniqueTablePrefix(),
            ["HsmVault:Storage:AuditContainer"] = $"t{Guid.NewGuid().ToString("N")[..20]}",
            ["HsmVault:Auth:TenantId"] = Tenant,
            ["HsmVault:DevIdentity:Principals:0:ClientId"] = ClientId,
            ["HsmVault:DevIdentity:Principals:0:ClientSecret"] = ClientSecret,
            ["HsmVault:DevIdentity:Principals:0:ObjectId"] = AdminObjectId,
            ["HsmVault:Seed:Vaults:0:Name"] = "default",
            ["HsmVault:Seed:Vaults:0:AccessPolicies:0:ObjectId"] = AdminObjectId,
            ["HsmVault:Seed:Vaults:0:AccessPolicies:0:Keys"] = "all",
            ["HsmVault:Seed:Vaults:0:AccessPolicies:0:Secrets"] = "all",
        };
        _app = await InProcessApp.StartAsync(settings, Path.Combine(_dir.FullName, "data"), otel => otel
            .WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(new CollectingExporter<Activity, Activity>(Spans, a => a))))
            .WithMetrics(m => m.AddInMemoryExporter(Metrics, r => r.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000))
            .WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(
                new CollectingExporter<LogRecord, string>(Logs, r => $"{r.CategoryName}|{r.FormattedMessage}|{string.Join(",", r.Attributes ?? [])}|{r.Exception}")))));
    }

    public async Task DisposeAsync()
    {
        try { if (_app is not null) await _app.DisposeAsync(); } finally { _dir.Delete(recursive: true); }
    }

    public Task<string> TokenAsync() => DevTokens.FetchAsync(Client, Tenant, ClientId, ClientSecret);

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string pathAndQuery, string token, object? body = null, string? clientRequestId = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (clientRequestId is not null) request.Headers.Add("x-ms-client-request-id", clientRequestId);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The cumulative metric points as of now.</summary>
    public List<MetricSnapshot> MetricsNow()
    {
        Metrics.Clear();
        Assert.True(_app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        return Metrics.ToList();
    }
}

/// <summary>A thread-safe list the exporters append to (spans end on many threads).</summary>
public sealed class Collected<T> : ICollection<T>
{
    private readonly List<T> _items = [];
    public int Count { get { lock (_items) return _items.Count; } }
    public bool IsReadOnly => false;
    public void Add(T item) { lock (_items) _items.Add(item); }
    public void Clear() { lock (_items) _items.Clear(); }
    public bool Contains(T item) { lock (_items) return _items.Contains(item); }
    public void CopyTo(T[] array, int index) { lock (_items) _items.CopyTo(array, index); }
    public bool Remove(T item) { lock (_items) return _items.Remove(item); }
    public IEnumerator<T> GetEnumerator() { lock (_items) return _items.ToList().GetEnumerator(); }
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Copies each exported item (log records are pooled and reused after export) into a collection.</summary>
public sealed class CollectingExporter<T, TCopy>(ICollection<TCopy> into, Func<T, TCopy> copy) : BaseExporter<T> where T : class
{
    public override ExportResult Export(in Batch<T> batch)
    {
        foreach (var item in batch) into.Add(copy(item));
        return ExportResult.Success;
    }
}
