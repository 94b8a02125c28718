using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>Key Vault's request ids: x-ms-request-id on every response, the client's x-ms-client-request-id echoed.</summary>
public static class RequestIds
{
    /// <summary>Sets x-ms-request-id (and echoes x-ms-client-request-id); returns the correlation id for audit.</summary>
    public static string StartResponse(HttpRequest request)
    {
        var correlationId = CorrelationIdOf(request);
        request.HttpContext.Response.Headers["x-ms-request-id"] = correlationId;
        if (request.Headers.TryGetValue("x-ms-client-request-id", out var clientRequestId))
            request.HttpContext.Response.Headers["x-ms-client-request-id"] = clientRequestId.ToString();
        return correlationId;
    }

    public static string CorrelationIdOf(HttpRequest request)
    {
        var id = request.Headers["x-ms-client-request-id"].ToString();
        return id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? id : Guid.NewGuid().ToString();
    }
}
