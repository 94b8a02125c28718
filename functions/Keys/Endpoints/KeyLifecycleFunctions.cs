using System.Net;
using HsmVault.Http;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Keys.Endpoints;

/// <summary>The keys lifecycle REST API: delete, deleted keys, recover, purge, backup, restore, rotate, rotation policy.</summary>
/// <remarks>The deleted state is the object core's (<see cref="KeyObjects"/>); only the wire mapping is the keys'.</remarks>
public sealed class KeyLifecycleFunctions(VaultRequestPipeline pipeline, KeyLifecycle keys, KeyObjects objects, KeyMapper mapper, KeyRotationPolicies policies)
{
    [Function("DeleteKey")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "keys/{name}")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.Delete, name, async ctx => VaultResult.Ok(mapper.Deleted(ctx.Vault, await objects.DeleteAsync(ctx, name))));

    [Function("GetDeletedKey")]
    public Task<IActionResult> GetDeleted(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "deletedkeys/{name}")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.GetDeleted, name, async ctx => VaultResult.Ok(mapper.Deleted(ctx.Vault, await objects.GetDeletedAsync(ctx, name))));

    [Function("ListDeletedKeys")]
    public Task<IActionResult> ListDeleted(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "deletedkeys")] HttpRequest req) =>
        pipeline.RunAsync(req, KeyOperations.ListDeleted, async ctx =>
            VaultResult.Ok(await objects.ListDeletedAsync(ctx, ctx.ReadPage(), k => mapper.DeletedItem(ctx.Vault, k))));

    [Function("RecoverDeletedKey")]
    public Task<IActionResult> Recover(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "deletedkeys/{name}/recover")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.Recover, name, async ctx => VaultResult.Ok(mapper.Bundle(ctx.Vault, await objects.RecoverAsync(ctx, name))));

    [Function("PurgeDeletedKey")]
    public Task<IActionResult> Purge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "deletedkeys/{name}")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.Purge, name, async ctx =>
        {
            await objects.PurgeAsync(ctx, name);
            return new VaultResult(HttpStatusCode.NoContent, null);
        });

    [Function("BackupKey")]
    public Task<IActionResult> Backup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/backup")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.Backup, name, async ctx => VaultResult.Ok(await keys.BackupAsync(ctx, name)));

    [Function("RestoreKey")]
    public Task<IActionResult> Restore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/restore")] HttpRequest req) =>
        pipeline.RunAsync(req, KeyOperations.Restore, async ctx => VaultResult.Ok(await keys.RestoreAsync(ctx, await ctx.ReadJsonAsync<BackupRestoreParameters>())));

    [Function("RotateKey")]
    public Task<IActionResult> Rotate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys/{name}/rotate")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.Rotate, name, async ctx => VaultResult.Ok(await keys.RotateAsync(ctx, name)));

    [Function("GetKeyRotationPolicy")]
    public Task<IActionResult> GetRotationPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys/{name}/rotationpolicy")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.GetRotationPolicy, name, async ctx =>
        {
            await keys.FindAsync(ctx, name, null);
            return VaultResult.Ok(await policies.GetAsync(ctx, name));
        });

    [Function("UpdateKeyRotationPolicy")]
    public Task<IActionResult> SetRotationPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "keys/{name}/rotationpolicy")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, KeyOperations.SetRotationPolicy, name, async ctx =>
        {
            var body = await ctx.ReadJsonAsync<KeyRotationPolicyWire>();
            var key = await keys.FindAsync(ctx, name, null);
            return VaultResult.Ok(await policies.PutAsync(ctx, key.Name, body));
        });
}
