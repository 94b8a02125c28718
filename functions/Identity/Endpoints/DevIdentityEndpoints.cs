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
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant, HttpContext context, DevIdentityProvider idp) =>
                AllowBrowserClient(context, idp, idp.IsKnownTenant(tenant) ? Results.Json(idp.GetOpenIdConfiguration(tenant), Json) : UnknownTenant()))
            .WithName("DevIdentity.OpenIdConfiguration").ExcludeFromDescription();

        app.MapGet("/{tenant}/discovery/v2.0/keys", (string tenant, HttpContext context, DevIdentityProvider idp) =>
                AllowBrowserClient(context, idp, idp.IsKnownTenant(tenant) ? Results.Json(idp.GetJsonWebKeySet(), Json) : UnknownTenant()))
            .WithName("DevIdentity.Keys").ExcludeFromDescription();

        app.MapPost("/{tenant}/oauth2/v2.0/token", TokenAsync)
            .WithName("DevIdentity.Token").ExcludeFromDescription();

        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (string tenant, HttpContext context, DevIdentityProvider idp) =>
                Authorize(tenant, AuthorizationRequest(context.Request.Query), idp, signIn: null))
            .WithName("DevIdentity.Authorize").ExcludeFromDescription();

        app.MapPost("/{tenant}/oauth2/v2.0/authorize", async (string tenant, HttpContext context, DevIdentityProvider idp) =>
            {
                if (!context.Request.HasFormContentType) return Page(400, DevSignInPage.RenderError("The sign-in form must be form-encoded."));
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                return Authorize(tenant, AuthorizationRequest(form), idp, (form["principal"], form["secret"]));
            })
            .WithName("DevIdentity.SignIn").ExcludeFromDescription();

        return app;
    }

    /// <summary>
    /// Lets the portal's page read the answer when it calls from another origin (CORS, simple requests only: MSAL posts the
    /// form without custom headers). A page on any other origin gets no CORS headers, so its browser hides the answer.
    /// </summary>
    private static IResult AllowBrowserClient(HttpContext context, DevIdentityProvider idp, IResult result)
    {
        string? origin = context.Request.Headers.Origin;
        if (string.IsNullOrEmpty(origin)) return result;
        context.Response.Headers.Vary = "Origin";
        if (idp.IsBrowserClientOrigin(origin)) context.Response.Headers.AccessControlAllowOrigin = origin;
        return result;
    }

    private static async Task<IResult> TokenAsync(string tenant, HttpContext context, DevIdentityProvider idp) =>
        AllowBrowserClient(context, idp, await TokenResultAsync(tenant, context, idp));

    private static async Task<IResult> TokenResultAsync(string tenant, HttpContext context, DevIdentityProvider idp)
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

        var clientInfo = form["client_info"] == "1";
        var response = form["grant_type"].ToString() switch
        {
            "authorization_code" => idp.RedeemAuthorizationCode(tenant, form["code"], clientId, form["redirect_uri"], form["code_verifier"], clientInfo),
            "refresh_token" => idp.RedeemRefreshToken(tenant, form["refresh_token"], clientId, form["scope"], clientInfo),
            _ => idp.RequestToken(tenant, form["grant_type"], clientId, clientSecret, form["scope"]),
        };
        return Results.Json(response.Body, Json, statusCode: response.StatusCode);
    }

    private static readonly string[] RequestFields =
        ["client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method", "nonce", "response_mode"];

    private static DevAuthorizationRequest AuthorizationRequest(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> values)
    {
        var v = values.Where(p => RequestFields.Contains(p.Key)).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
        return new DevAuthorizationRequest(v.GetValueOrDefault("client_id"), v.GetValueOrDefault("redirect_uri"), v.GetValueOrDefault("response_type"),
            v.GetValueOrDefault("scope"), v.GetValueOrDefault("state"), v.GetValueOrDefault("code_challenge"), v.GetValueOrDefault("code_challenge_method"),
            v.GetValueOrDefault("nonce"), v.GetValueOrDefault("response_mode"));
    }

    /// <summary>
    /// The authorization endpoint: a checked request shows the sign-in page; a sign-in with the right secret redirects to the
    /// registered redirect URI with the code and the caller's state, in the query or (response_mode=fragment, MSAL's default) the
    /// fragment, which the browser never sends to a server. A bad request is shown, never redirected.
    /// </summary>
    private static IResult Authorize(string tenant, DevAuthorizationRequest request, DevIdentityProvider idp, (string? Principal, string? Secret)? signIn)
    {
        if (idp.CheckAuthorizationRequest(tenant, request) is { } problem)
            return Page(400, DevSignInPage.RenderError(problem));

        string? error = null;
        if (signIn is var (principal, secret))
        {
            if (idp.SignIn(tenant, request, principal, secret) is { } code)
            {
                var response = $"code={Uri.EscapeDataString(code)}" + (request.State is { Length: > 0 } s ? $"&state={Uri.EscapeDataString(s)}" : "");
                var separator = request.ResponseMode == "fragment" ? "#" : request.RedirectUri!.Contains('?') ? "&" : "?";
                return new RedirectResult(request.RedirectUri + separator + response);
            }
            error = "Wrong principal or secret.";
        }
        var hidden = new Dictionary<string, string>
        {
            ["client_id"] = request.ClientId!, ["redirect_uri"] = request.RedirectUri!, ["response_type"] = request.ResponseType!,
            ["scope"] = request.Scope!, ["state"] = request.State ?? "", ["code_challenge"] = request.CodeChallenge!,
            ["code_challenge_method"] = request.CodeChallengeMethod!,
        };
        if (request.Nonce is { Length: > 0 } nonce) hidden["nonce"] = nonce;
        if (request.ResponseMode is { Length: > 0 } mode) hidden["response_mode"] = mode;
        return Page(error is null ? 200 : 401,
            DevSignInPage.Render($"/{tenant}/oauth2/v2.0/authorize", hidden, idp.SignInNames(tenant), signIn?.Principal, error));
    }

    private static IResult Page(int status, string html) => new HtmlPage(status, html);

    /// <summary>An HTML response of the identity provider: no caching, its own strict CSP, never framed.</summary>
    private sealed class HtmlPage(int status, string html) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var r = context.Response;
            r.StatusCode = status;
            r.Headers.CacheControl = "no-store";
            r.Headers.ContentSecurityPolicy = DevSignInPage.ContentSecurityPolicy;
            r.Headers.XFrameOptions = "DENY";
            r.Headers.XContentTypeOptions = "nosniff";
            r.Headers["Referrer-Policy"] = "no-referrer";
            r.ContentType = "text/html; charset=utf-8";
            return r.WriteAsync(html, context.RequestAborted);
        }
    }

    /// <summary>A 302 to the client's redirect URI (already checked against the registered ones).</summary>
    private sealed class RedirectResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
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
