using HsmVault.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Portal.Endpoints;

/// <summary>The preflight (OPTIONS) of every route; the answer comes from <see cref="PortalCors"/>.</summary>
public sealed class CorsFunctions(PortalCors cors)
{
    [Function("CorsPreflight")]
    public Task<IActionResult> Preflight(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = "{*path}")] HttpRequest req, string? path) =>
        Task.FromResult(cors.Preflight(req));
}
