using System.Net;
using HsmVault.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Management.Endpoints;

/// <summary>The operator plane: vaults and their access policies, on the service's bare host name, for callers with the operator role.</summary>
public sealed class ManagementFunctions(ManagementPipeline pipeline, VaultManagement vaults, AccessPolicyManagement policies)
{
    [Function("ListVaults")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/vaults")] HttpRequest req) =>
        pipeline.RunAsync(req, ManagementOperations.VaultList, null, async ctx => VaultResult.Ok(await vaults.ListAsync(ctx.Cancellation)));

    [Function("GetVault")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, ManagementOperations.VaultGet, vaultName, async ctx => VaultResult.Ok(await vaults.GetAsync(vaultName, ctx.Cancellation)));

    [Function("PutVault")]
    public Task<IActionResult> Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, ManagementOperations.VaultPut, vaultName, async ctx =>
        {
            var (created, vault) = await vaults.PutAsync(vaultName, await ctx.ReadJsonAsync<VaultPutParameters>(), ctx.Cancellation);
            return new VaultResult(created ? HttpStatusCode.Created : HttpStatusCode.OK, vault);
        });

    [Function("PatchVault")]
    public Task<IActionResult> Patch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, ManagementOperations.VaultPatch, vaultName, async ctx =>
            VaultResult.Ok(await vaults.PatchAsync(vaultName, await ctx.ReadJsonAsync<VaultPutParameters>(), ctx.Cancellation)));

    [Function("DeleteVault")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, ManagementOperations.VaultDelete, vaultName, async ctx =>
        {
            await vaults.DeleteAsync(vaultName, ctx.Cancellation);
            return new VaultResult(HttpStatusCode.OK, null);
        });

    [Function("ListDeletedVaults")]
    public Task<IActionResult> ListDeleted(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/deletedVaults")] HttpRequest req) =>
        pipeline.RunAsync(req, "DeletedVaultList", null, async ctx => VaultResult.Ok(await vaults.ListDeletedAsync(ctx.Cancellation)));

    [Function("GetDeletedVault")]
    public Task<IActionResult> GetDeleted(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/deletedVaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "DeletedVaultGet", vaultName, async ctx => VaultResult.Ok(await vaults.GetDeletedAsync(vaultName, ctx.Cancellation)));

    [Function("RecoverDeletedVault")]
    public Task<IActionResult> Recover(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "management/deletedVaults/{vaultName}/recover")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultRecover", vaultName, async ctx => VaultResult.Ok(await vaults.RecoverAsync(vaultName, ctx.Cancellation)));

    [Function("PurgeDeletedVault")]
    public Task<IActionResult> Purge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "management/deletedVaults/{vaultName}/purge")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultPurge", vaultName, async ctx =>
        {
            await vaults.PurgeAsync(vaultName, ctx.Cancellation);
            return new VaultResult(HttpStatusCode.OK, null);
        });

    [Function("ListAccessPolicies")]
    public Task<IActionResult> ListPolicies(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/vaults/{vaultName}/accessPolicies")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, ManagementOperations.AccessPolicyList, vaultName, async ctx => VaultResult.Ok(await policies.ListAsync(ctx, vaultName)));

    [Function("PutAccessPolicy")]
    public Task<IActionResult> PutPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "management/vaults/{vaultName}/accessPolicies/{objectId}")] HttpRequest req,
        string vaultName, string objectId) =>
        pipeline.RunAsync(req, ManagementOperations.AccessPolicyPut, vaultName, async ctx =>
            VaultResult.Ok(await policies.PutAsync(ctx, vaultName, objectId, req.Query["key"], await ctx.ReadJsonAsync<AccessPolicyWire>())));

    [Function("DeleteAccessPolicy")]
    public Task<IActionResult> DeletePolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "management/vaults/{vaultName}/accessPolicies/{objectId}")] HttpRequest req,
        string vaultName, string objectId) =>
        pipeline.RunAsync(req, ManagementOperations.AccessPolicyDelete, vaultName, async ctx =>
            VaultResult.Ok(await policies.DeleteAsync(ctx, vaultName, objectId, req.Query["key"])));
}
