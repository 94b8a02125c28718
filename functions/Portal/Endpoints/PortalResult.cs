using System.Text;
using System.Text.Json;
using HsmVault.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace HsmVault.Portal.Endpoints;

/// <summary>A portal response: bytes with the portal's security headers, written the same way under both hosts.</summary>
public sealed class PortalResult(int status, byte[] content, string contentType, string contentSecurityPolicy, string cacheControl) : IActionResult
{
    public string? Location { get; init; }

    public static PortalResult Json(object body, string csp) =>
        new(200, JsonSerializer.SerializeToUtf8Bytes(body, VaultResult.Json), "application/json; charset=utf-8", csp, "no-store");

    public static PortalResult Text(int status, string text, string csp) =>
        new(status, Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8", csp, "no-store");

    public Task ExecuteResultAsync(ActionContext context) => WriteAsync(context.HttpContext.Response);

    public async Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = status;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = cacheControl;
        if (Location is not null) headers.Location = Location;
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        await response.Body.WriteAsync(content);
    }
}
