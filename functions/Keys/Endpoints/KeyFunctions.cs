using HsmVault.Http;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Keys.Endpoints;

/// <summary>The Key Vault keys REST API. Each function names its route and operation; the pipeline does the rest.</summary>
public sealed class KeyFunctions(VaultRequestPipeline pipeline, KeyLifecycle keys, KeyCrypto crypto)
{
    [Function("CreateKey")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/create")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.Create, name, async ctx => VaultResult.Ok(await keys.CreateAsync(ctx, ObjectNames.Name(name), await ctx.ReadJsonAsync<KeyCreateParameters>())));

    [Function("ImportKey")]
    public Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "keys/{name}")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.Import, name, async ctx => VaultResult.Ok(await keys.ImportAsync(ctx, ObjectNames.Name(name), await ctx.ReadJsonAsync<KeyImportParameters>())));

    [Function("GetKey")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys/{name}/{version?}")] HttpRequest req, string name, string? version) =>
        pipeline.RunAsync(req, KeyOperations.Get, name, async ctx => VaultResult.Ok(await keys.GetAsync(ctx, name, version)));

    [Function("ListKeys")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys")] HttpRequest req) =>
        pipeline.RunAsync(req, KeyOperations.List, async ctx => VaultResult.Ok(await keys.ListAsync(ctx, null, ctx.ReadPage())));

    [Function("ListKeyVersions")]
    public Task<IActionResult> ListVersions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys/{name}/versions")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.ListVersions, name, async ctx => VaultResult.Ok(await keys.ListAsync(ctx, name, ctx.ReadPage())));

    [Function("UpdateKey")]
    public Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "keys/{name}/{version?}")] HttpRequest req, string name, string? version) =>
        pipeline.RunAsync(req, KeyOperations.Update, name, async ctx => VaultResult.Ok(await keys.UpdateAsync(ctx, name, version, await ctx.ReadJsonAsync<KeyUpdateParameters>())));

    [Function("Sign")]
    public Task<IActionResult> Sign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/{version}/sign")] HttpRequest req, string name, string version) =>
        pipeline.RunAsync(req, KeyOperations.Sign, name, async ctx => VaultResult.Ok(await crypto.SignAsync(ctx, name, version, await ctx.ReadJsonAsync<KeySignParameters>())));

    [Function("Verify")]
    public Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/{version}/verify")] HttpRequest req, string name, string version) =>
        pipeline.RunAsync(req, KeyOperations.Verify, name, async ctx => VaultResult.Ok(await crypto.VerifyAsync(ctx, name, version, await ctx.ReadJsonAsync<KeyVerifyParameters>())));

    [Function("Encrypt")]
    public Task<IActionResult> Encrypt(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/{version}/encrypt")] HttpRequest req, string name, string version) =>
        pipeline.RunAsync(req, KeyOperations.Encrypt, name, async ctx => VaultResult.Ok(await crypto.EncryptAsync(ctx, name, version, await ctx.ReadJsonAsync<KeyOperationParameters>())));

    [Function("Decrypt")]
    public Task<IActionResult> Decrypt(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/{version}/decrypt")] HttpRequest req, string name, string version) =>
        pipeline.RunAsync(req, KeyOperations.Decrypt, name, async ctx => VaultResult.Ok(await crypto.DecryptAsync(ctx, name, version, await ctx.ReadJsonAsync<KeyOperationParameters>())));

    [Function("WrapKey")]
    public Task<IActionResult> WrapKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/{version}/wrapkey")] HttpRequest req, string name, string version) =>
        pipeline.RunAsync(req, KeyOperations.WrapKey, name, async ctx => VaultResult.Ok(await crypto.EncryptAsync(ctx, name, version, await ctx.ReadJsonAsync<KeyOperationParameters>(), wrap: true)));

    [Function("UnwrapKey")]
    public Task<IActionResult> UnwrapKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/{version}/unwrapkey")] HttpRequest req, string name, string version) =>
        pipeline.RunAsync(req, KeyOperations.UnwrapKey, name, async ctx => VaultResult.Ok(await crypto.DecryptAsync(ctx, name, version, await ctx.ReadJsonAsync<KeyOperationParameters>(), unwrap: true)));
}
