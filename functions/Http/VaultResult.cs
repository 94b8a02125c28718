using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace HsmVault.Http;

/// <summary>
/// A JSON response that writes itself to the HttpResponse, so it runs unchanged under the Functions host
/// and the standalone host (neither needs MVC's result executors).
/// </summary>
public sealed class VaultResult(HttpStatusCode status, object? body, IReadOnlyDictionary<string, string>? headers = null) : IActionResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = null,
        // Responses are application/json, never embedded in HTML: no need to escape quotes and the like.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public HttpStatusCode Status { get; } = status;
    public object? Body { get; } = body;

    /// <summary>The result as audit records it: the error's inner (else outer) code, or "Success".</summary>
    public string AuditResult => Body is ErrorEnvelope e ? e.Error.InnerError?.Code ?? e.Error.Code : "Success";

    public static VaultResult Ok(object body) => new(HttpStatusCode.OK, body);

    public static VaultResult Error(VaultException e)
    {
        var headers = e.RetryAfter is { } wait
            ? new Dictionary<string, string> { ["Retry-After"] = ((int)Math.Ceiling(wait.TotalSeconds)).ToString() }
            : null;
        var inner = e.InnerCode is null ? null : new ErrorBody(e.InnerCode, null, null);
        return new VaultResult(e.Status, new ErrorEnvelope(new ErrorBody(e.Code, e.Message, inner)), headers);
    }

    public async Task ExecuteResultAsync(ActionContext context) => await WriteAsync(context.HttpContext.Response);

    public async Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = (int)Status;
        if (headers is not null)
            foreach (var (name, value) in headers) response.Headers[name] = value;
        if (Body is null) return;
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, Body, Body.GetType(), Json);
    }
}

public sealed record ErrorEnvelope([property: JsonPropertyName("error")] ErrorBody Error);

public sealed record ErrorBody(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("innererror")] ErrorBody? InnerError);
