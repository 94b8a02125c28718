using System.Diagnostics;
using HsmVault.Telemetry;

namespace HsmVault.Http;

/// <summary>
/// What both pipelines add to a request's telemetry: the correlation id, operation, vault and result on the request's span
/// (the ASP.NET Core server span, or whatever span is current under the Functions host), and the request metrics.
/// </summary>
public static class RequestTelemetry
{
    /// <summary>Tags the current span with the correlation id as soon as it is known, so even a failed request carries it.</summary>
    public static Activity? Begin(string correlationId, string operation)
    {
        var span = Activity.Current;
        if (span is null || !span.IsAllDataRequested) return null;
        span.SetTag(HsmVaultTelemetry.CorrelationIdTag, correlationId);
        span.SetTag(HsmVaultTelemetry.OperationTag, operation);
        return span;
    }

    /// <summary>Records the answered request (after its audit record is stored).</summary>
    public static void End(Activity? span, string operation, string? vault, VaultResult result, long startedTimestamp)
    {
        var status = (int)result.Status;
        if (span is not null)
        {
            if (vault is not null) span.SetTag(HsmVaultTelemetry.VaultTag, vault);
            span.SetTag(HsmVaultTelemetry.ResultTag, result.AuditResult);
        }
        VaultMetrics.Request(operation, result.AuditResult, status, Stopwatch.GetElapsedTime(startedTimestamp));
    }

    /// <summary>Runs one step of the pipeline in its own span; a failure marks the span with the exception's type.</summary>
    public static async Task<T> StepAsync<T>(string name, Func<Task<T>> step)
    {
        using var span = HsmVaultTelemetry.StartSpan(name);
        try
        {
            return await step();
        }
        catch (Exception e)
        {
            span.Fail(e is Objects.VaultException v ? v.InnerCode ?? v.Code : e.GetType().Name);
            throw;
        }
    }
}
