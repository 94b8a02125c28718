using HsmVault.Portal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace HsmVault.Http;

/// <summary>
/// CORS for the data plane, for exactly one origin: the portal's (HsmVault:Portal:Origin, by default the service's own host).
/// The portal runs on the bare host and calls each vault on its own host name, so the browser asks first. No credentials
/// (cookies) are involved: the bearer token travels in the Authorization header, which the answer lists as allowed.
/// </summary>
public sealed class PortalCors(PortalSettings settings)
{
    private const string AllowedMethods = "GET, PUT, POST, PATCH, DELETE";
    private const string AllowedHeaders = "Authorization, Content-Type, x-ms-client-request-id, x-ms-return-client-request-id";
    private const string ExposedHeaders = "x-ms-request-id, x-ms-client-request-id, WWW-Authenticate, Retry-After";

    /// <summary>Marks a data-plane response readable by the portal when the request came from its origin.</summary>
    public void Apply(HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin)) return;
        headers.Vary = "Origin";
        if (!settings.IsPortalOrigin(origin)) return;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlExposeHeaders = ExposedHeaders;
    }

    /// <summary>Answers a preflight: allowed only for the portal's origin and the vault's methods; anyone else gets no CORS headers.</summary>
    public IActionResult Preflight(HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        string? origin = request.Headers.Origin;
        string? method = request.Headers.AccessControlRequestMethod;
        headers.Vary = "Origin";
        if (settings.IsPortalOrigin(origin) && !string.IsNullOrEmpty(method) &&
            AllowedMethods.Split(", ").Contains(method, StringComparer.Ordinal))
        {
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlAllowMethods = AllowedMethods;
            headers.AccessControlAllowHeaders = AllowedHeaders;
            headers.AccessControlMaxAge = "600";
        }
        return new StatusCodeResult(StatusCodes.Status204NoContent);
    }
}
