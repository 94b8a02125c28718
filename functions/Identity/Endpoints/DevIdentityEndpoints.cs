using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HsmVault.Identity.Endpoints;

/// <summary>HTTP endpoints of the development identity provider (standalone mode only).</summary>
public static class DevIdentityEndpoints
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    public static IEndpointRouteBuilder MapDevIdentityProvider(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant, DevIdentityProvider idp) =>
                idp.IsKnownTenant(tenant) ? Results.Json(idp.GetOpenIdConfiguration(tenant), Json) : UnknownTenant())
            .WithName("DevIdentity.OpenIdConfiguration").ExcludeFromDescription();

        app.MapGet("/{tenant}/discovery/v2.0/keys", (string tenant, DevIdentityProvider idp) =>
                idp.IsKnownTenant(tenant) ? Results.Json(idp.GetJsonWebKeySet(), Json) : UnknownTenant())
            .WithName("DevIdentity.Keys").ExcludeFromDescription();

        app.MapPost("/{tenant}/oauth2/v2.0/token", TokenAsync)
            .WithName("DevIdentity.Token").ExcludeFromDescription();

        return app;
    }

    private static async Task<IResult> TokenAsync(string tenant, HttpContext context, DevIdentityProvider idp)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!context.Request.HasFormContentType)
            return Error(400, "invalid_request", "The request body must be application/x-www-form-urlencoded.");

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        // A multipart type with a urlencoded body, a malformed or truncated form (found by the request fuzzer as 500s).
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Error(400, "invalid_request", "The request body is not a valid form.");
        }
        string? clientId = form["client_id"];
        string? clientSecret = form["client_secret"];

        // client_secret_basic: credentials in the Authorization header (form-encoded, then base64).
        if (string.IsNullOrEmpty(clientSecret) &&
            AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var auth) &&
            string.Equals(auth.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) &&
            TryDecodeBasic(auth.Parameter, out var basicId, out var basicSecret))
        {
            clientId = basicId;
            clientSecret = basicSecret;
        }

        var response = idp.RequestToken(tenant, form["grant_type"], clientId, clientSecret, form["scope"]);
        return Results.Json(response.Body, Json, statusCode: response.StatusCode);
    }

    private static bool TryDecodeBasic(string? parameter, out string clientId, out string secret)
    {
        clientId = secret = "";
        if (string.IsNullOrEmpty(parameter))
            return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
                return false;
            clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static IResult UnknownTenant() => Error(400, "invalid_request", "Unknown tenant.");

    private static IResult Error(int status, string error, string description) =>
        Results.Json(DevTokenResponse.Error(status, error, description).Body, Json, statusCode: status);
}
