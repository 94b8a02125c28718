using System.Net;
using HsmVault.Http;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Secrets.Endpoints;

/// <summary>The secrets lifecycle REST API: delete, deleted secrets, recover, purge, backup, restore.</summary>
/// <remarks>The deleted state is the object core's (<see cref="SecretObjects"/>); only the wire mapping is the secrets'.</remarks>
public sealed class SecretLifecycleFunctions(VaultRequestPipeline pipeline, SecretLifecycle secrets, SecretObjects objects)
{
    [Function("DeleteSecret")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "secrets/{name}")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, SecretOperations.Delete, async ctx => VaultResult.Ok(SecretMapper.Deleted(ctx.Vault, await objects.DeleteAsync(ctx, name))));

    [Function("GetDeletedSecret")]
    public Task<IActionResult> GetDeleted(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "deletedsecrets/{name}")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, SecretOperations.GetDeleted, async ctx => VaultResult.Ok(SecretMapper.Deleted(ctx.Vault, await objects.GetDeletedAsync(ctx, name))));

    [Function("ListDeletedSecrets")]
    public Task<IActionResult> ListDeleted(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "deletedsecrets")] HttpRequest req) =>
        pipeline.RunAsync(req, SecretOperations.ListDeleted, async ctx =>
            VaultResult.Ok(await objects.ListDeletedAsync(ctx, ctx.ReadPage(), s => SecretMapper.DeletedItem(ctx.Vault, s))));

    [Function("RecoverDeletedSecret")]
    public Task<IActionResult> Recover(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "deletedsecrets/{name}/recover")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, SecretOperations.Recover, async ctx =>
            // As Key Vault: the current version's bundle, without its value.
            VaultResult.Ok(SecretMapper.Bundle(ctx.Vault, await objects.RecoverAsync(ctx, name), value: null)));

    [Function("PurgeDeletedSecret")]
    public Task<IActionResult> Purge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "deletedsecrets/{name}")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, SecretOperations.Purge, async ctx =>
        {
            await objects.PurgeAsync(ctx, name);
            return new VaultResult(HttpStatusCode.NoContent, null);
        });

    [Function("BackupSecret")]
    public Task<IActionResult> Backup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "secrets/{name}/backup")] HttpRequest req, string name) =>
        pipeline.RunAsync(req, SecretOperations.Backup, async ctx => VaultResult.Ok(await secrets.BackupAsync(ctx, name)));

    [Function("RestoreSecret")]
    public Task<IActionResult> Restore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "secrets/restore")] HttpRequest req) =>
        pipeline.RunAsync(req, SecretOperations.Restore, async ctx => VaultResult.Ok(await secrets.RestoreAsync(ctx, await ctx.ReadJsonAsync<BackupRestoreParameters>())));
}
