using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>
/// The caller's address for audit. Under the Azure Functions host the worker sees the host's loopback connection, so the
/// first X-Forwarded-For entry (set by the Functions front end) is the client's; anywhere else that header is the caller's own
/// claim and is ignored.
/// </summary>
public sealed class ClientAddresses(bool trustForwardedFor)
{
    public string? Of(HttpRequest request)
    {
        if (trustForwardedFor && request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            if (first.Length <= 64) return first;
        }
        return request.HttpContext.Connection.RemoteIpAddress?.ToString();
    }
}
