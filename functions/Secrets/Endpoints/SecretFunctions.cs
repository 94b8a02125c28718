using HsmVault.Http;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Secrets.Endpoints;

/// <summary>The Key Vault secrets REST API. Each function names its route and operation; the pipeline does the rest.</summary>
public sealed class SecretFunctions(VaultRequestPipeline pipeline, SecretLifecycle secrets)
{
    [Function("SetSecret")]
    public Task<IActionResult> Set(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "secrets/{name}")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, SecretOperations.Set, async ctx => VaultResult.Ok(await secrets.SetAsync(ctx, name, await ctx.ReadJsonAsync<SecretSetParameters>())));

    [Function("GetSecret")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "secrets/{name}/{version?}")] HttpRequest req, string name, string? version) =>
        pipeline.RunAsync(req, SecretOperations.Get, async ctx => VaultResult.Ok(await secrets.GetAsync(ctx, name, version)));

    [Function("ListSecrets")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "secrets")] HttpRequest req) =>
        pipeline.RunAsync(req, SecretOperations.List, async ctx => VaultResult.Ok(await secrets.ListAsync(ctx, null, ctx.ReadPage())));

    [Function("ListSecretVersions")]
    public Task<IActionResult> ListVersions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "secrets/{name}/versions")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, SecretOperations.ListVersions, async ctx => VaultResult.Ok(await secrets.ListAsync(ctx, name, ctx.ReadPage())));

    [Function("UpdateSecret")]
    public Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "secrets/{name}/{version?}")] HttpRequest req, string name, string? version) =>
        pipeline.RunAsync(req, SecretOperations.Update, async ctx => VaultResult.Ok(await secrets.UpdateAsync(ctx, name, version, await ctx.ReadJsonAsync<SecretUpdateParameters>())));
}
