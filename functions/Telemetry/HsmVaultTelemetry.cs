using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HsmVault.Telemetry;

/// <summary>
/// The service's one ActivitySource and one Meter, both named "HsmVault". Every floor records into them; Hosting decides
/// whether anything listens (nothing does unless an exporter is configured, and then an unheard span or measurement costs
/// a null check). Nothing recorded here may carry a secret, plaintext, PIN, token or query value: tags are operation names,
/// vault names, result codes and ids only.
/// </summary>
public static class HsmVaultTelemetry
{
    public const string Name = "HsmVault";

    public static readonly ActivitySource Source = new(Name, typeof(HsmVaultTelemetry).Assembly.GetName().Version?.ToString());
    public static readonly Meter Meter = new(Name, typeof(HsmVaultTelemetry).Assembly.GetName().Version?.ToString());

    // Span and metric attribute names.
    public const string CorrelationIdTag = "hsmvault.correlation_id";
    public const string OperationTag = "hsmvault.operation";
    public const string VaultTag = "hsmvault.vault";
    public const string ResultTag = "hsmvault.result";
    public const string StatusCodeTag = "http.response.status_code";
    public const string HsmOperationTag = "hsmvault.hsm.operation";
    public const string HsmTokenTag = "hsmvault.hsm.token";
    public const string ErrorTypeTag = "error.type";
    public const string CacheTag = "hsmvault.cache";
    public const string CacheResultTag = "hsmvault.cache.result";
    public const string AuditRecordsTag = "hsmvault.audit.records";

    /// <summary>Starts an internal span, or returns null when nobody listens.</summary>
    public static Activity? StartSpan(string name) => Source.StartActivity(name, ActivityKind.Internal);

    /// <summary>Marks a span failed with a short, closed error type (an exception type or an error code, never a message).</summary>
    public static void Fail(this Activity? span, string errorType)
    {
        if (span is null) return;
        span.SetStatus(ActivityStatusCode.Error);
        span.SetTag(ErrorTypeTag, errorType);
    }
}

/// <summary>The names of the service's own spans (HSM operations are "hsm.&lt;Operation&gt;", see <see cref="TracedHsm"/>).</summary>
public static class Spans
{
    public const string Authenticate = "vault.authenticate";
    public const string Authorize = "vault.authorize";
    /// <summary>A request waiting for its audit record to be durable.</summary>
    public const string AuditWrite = "audit.write";
    /// <summary>One group commit of the audit log (linked to the requests whose records it carries).</summary>
    public const string AuditCommit = "audit.commit";
}
