using System.Diagnostics;
using Azure.Monitor.OpenTelemetry.Exporter;
using HsmVault.Hsm;
using HsmVault.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HsmVault.Hosting;

/// <summary>
/// OpenTelemetry for both hosts: traces, metrics and logs, exported with OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set and to
/// Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is. With neither (and no test exporter) nothing is
/// registered at all, so the service's spans and measurements have no listener and cost nothing.
/// </summary>
public static class TelemetrySetup
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Registers telemetry if an exporter is configured (or <paramref name="exporters"/> adds one); says whether it did.</summary>
    public static bool AddHsmVaultTelemetry(this IServiceCollection services, IConfiguration configuration, Action<IOpenTelemetryBuilder>? exporters = null)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var appInsights = configuration[AppInsightsSetting];
        if (!otlp && string.IsNullOrWhiteSpace(appInsights) && exporters is null) return false;

        // The Azure SDK (Tables, Blobs) emits its spans through ActivitySources "Azure.*" only with this switch.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : HsmVaultTelemetry.Name))
            .WithTracing(t => t
                .SetSampler(new RequestsAndForegroundWork())
                .AddSource(HsmVaultTelemetry.Name, "Azure.*")
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.RecordException = false; // exception messages are for the log, which filters them
                    o.EnrichWithHttpRequest = (span, _) => DropUrlDetail(span);
                    o.EnrichWithHttpResponse = (span, _) => DropUrlDetail(span);
                })
                .AddHttpClientInstrumentation(o =>
                {
                    o.RecordException = false;
                    o.EnrichWithHttpRequestMessage = (span, request) => span.SetTag("url.full", WithoutQuery(request.RequestUri));
                }))
            .WithMetrics(m => m.AddMeter(HsmVaultTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithLogging(_ => { }, o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = false; // scopes repeat request details the span already has
            });
        if (otlp) builder.UseOtlpExporter();
        if (!string.IsNullOrWhiteSpace(appInsights))
        {
            builder.WithTracing(t => t.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights));
            builder.WithMetrics(m => m.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights));
            builder.WithLogging(l => l.AddAzureMonitorLogExporter(o => o.ConnectionString = appInsights));
        }
        exporters?.Invoke(builder);

        TraceHsmCalls(services);
        services.AddHostedService<TelemetryHookups>();
        return true;
    }

    /// <summary>Wraps the registered token in <see cref="TracedHsm"/> (only when telemetry is on: no wrapper otherwise).</summary>
    private static void TraceHsmCalls(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IHsm) && d.ImplementationFactory is not null)
            ?? throw new InvalidOperationException("Register the HSM token before telemetry.");
        services.Remove(registered);
        var open = registered.ImplementationFactory!;
        services.AddSingleton<IHsm>(sp => new TracedHsm((IHsm)open(sp)));
    }

    /// <summary>Only the route template stays: the path names objects and the query may carry a $skiptoken.</summary>
    private static void DropUrlDetail(Activity span)
    {
        span.SetTag("url.query", null);
        span.SetTag("url.path", null);
    }

    private static string? WithoutQuery(Uri? uri) => uri is null ? null : uri.GetLeftPart(UriPartial.Path);

    /// <summary>
    /// Every request is traced (its server span is kept even under a caller's unsampled parent: a vault's requests are few and
    /// each matters); spans inside kept work are kept; root spans only for the service's own work (audit commits, HSM calls of
    /// background work), so storage and HTTP calls outside any of them (the vault-state poll, four times a second) are not.
    /// </summary>
    private sealed class RequestsAndForegroundWork : Sampler
    {
        private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
        private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

        public override SamplingResult ShouldSample(in SamplingParameters p)
        {
            if (p.Kind == ActivityKind.Server) return Keep;
            if (p.ParentContext.TraceId != default) return p.ParentContext.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? Keep : Drop;
            return p.Name == Spans.AuditCommit || p.Name.StartsWith("hsm.", StringComparison.Ordinal) ? Keep : Drop;
        }
    }
}
