using HsmVault.Portal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Portal.Endpoints;

/// <summary>
/// Serves the web portal: its built files under /portal/ and /portal/config.json (where to sign in). The page itself calls the
/// management and data-plane APIs with the signed-in user's token, so every action goes through the same pipelines as any client.
/// </summary>
public sealed class PortalFunctions(PortalAssets assets, PortalSettings settings)
{
    [Function("Portal")]
    public Task<IActionResult> Serve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/{*path}")] HttpRequest req, string? path) =>
        Task.FromResult<IActionResult>(Respond(req, path ?? ""));

    private PortalResult Respond(HttpRequest req, string path)
    {
        var csp = settings.ContentSecurityPolicy;
        // Relative asset URLs need the trailing slash.
        if (path.Length == 0 && !req.Path.Value!.EndsWith('/'))
            return new PortalResult(301, [], "text/plain", csp, "no-store") { Location = "/portal/" + req.QueryString };
        if (path == "config.json")
            return PortalResult.Json(settings.ClientConfiguration, csp);
        if (!assets.IsBuilt)
            return PortalResult.Text(404, "The portal is not built: run 'bash infra/local/ensure-deps.sh' (or 'npm run build' in portal/).", csp);

        // Any path that is not a file is a page of the single-page app (the OAuth redirect lands on /portal/?code=…).
        var asset = assets.Find(path);
        var isIndex = asset is null;
        asset ??= assets.Find("index.html")!;
        return new PortalResult(200, asset.Content, asset.ContentType, csp, isIndex ? "no-store" : "no-cache");
    }
}
