using System.Net;
using HsmVault.Access;
using HsmVault.Http;
using HsmVault.Objects;
using HsmVault.Vaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Management.Endpoints;

/// <summary>The operator plane: vaults and their access policies, on the service's bare host name, for callers with the operator role.</summary>
public sealed class ManagementFunctions(ManagementPipeline pipeline, VaultManagement vaults, AccessPolicyStore policies, VaultStore store)
{
    [Function("ListVaults")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/vaults")] HttpRequest req) =>
        pipeline.RunAsync(req, "VaultList", null, async ctx => VaultResult.Ok(await vaults.ListAsync(ctx.Cancellation)));

    [Function("GetVault")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultGet", vaultName, async ctx => VaultResult.Ok(await vaults.GetAsync(vaultName, ctx.Cancellation)));

    [Function("PutVault")]
    public Task<IActionResult> Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultPut", vaultName, async ctx =>
        {
            var (created, vault) = await vaults.PutAsync(vaultName, await ctx.ReadJsonAsync<VaultPutParameters>(), ctx.Cancellation);
            return new VaultResult(created ? HttpStatusCode.Created : HttpStatusCode.OK, vault);
        });

    [Function("PatchVault")]
    public Task<IActionResult> Patch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultPatch", vaultName, async ctx =>
            VaultResult.Ok(await vaults.PatchAsync(vaultName, await ctx.ReadJsonAsync<VaultPutParameters>(), ctx.Cancellation)));

    [Function("DeleteVault")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultDelete", vaultName, async ctx =>
        {
            await vaults.DeleteAsync(vaultName, ctx.Cancellation);
            return new VaultResult(HttpStatusCode.OK, null);
        });

    [Function("ListAccessPolicies")]
    public Task<IActionResult> ListPolicies(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/vaults/{vaultName}/accessPolicies")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "AccessPolicyList", vaultName, async ctx =>
        {
            var entries = await policies.ListAsync(VaultNames.Require(vaultName), ctx.Cancellation);
            return VaultResult.Ok(new ListResult<AccessPolicyWire>(entries.Select(AccessPolicyInput.ToWire).ToList()));
        });

    [Function("PutAccessPolicy")]
    public Task<IActionResult> PutPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "management/vaults/{vaultName}/accessPolicies/{objectId}")] HttpRequest req,
        string vaultName, string objectId) =>
        pipeline.RunAsync(req, "AccessPolicyPut", vaultName, async ctx =>
        {
            var name = VaultNames.Require(vaultName);
            var body = await ctx.ReadJsonAsync<AccessPolicyWire>();
            var vault = await store.GetLiveAsync(name, ctx.Cancellation);
            var entry = AccessPolicyInput.ToEntity(name, vault.TenantId, objectId, req.Query["key"], body);
            ctx.AuditObjectId = $"accessPolicies/{entry.ObjectId}/{entry.Scope}";
            await policies.PutAsync(entry, ctx.Cancellation);
            return VaultResult.Ok(AccessPolicyInput.ToWire(entry));
        });

    [Function("DeleteAccessPolicy")]
    public Task<IActionResult> DeletePolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "management/vaults/{vaultName}/accessPolicies/{objectId}")] HttpRequest req,
        string vaultName, string objectId) =>
        pipeline.RunAsync(req, "AccessPolicyDelete", vaultName, async ctx =>
        {
            var oid = AccessPolicyInput.ObjectId(objectId);
            string? key = req.Query["key"];
            var scope = key is { Length: > 0 } ? KeyScope.Parse(key) : null;
            ctx.AuditObjectId = $"accessPolicies/{oid}/{scope ?? "all"}";
            var removed = await policies.DeleteAsync(VaultNames.Require(vaultName), oid, scope, ctx.Cancellation);
            return VaultResult.Ok(new { removed });
        });
}
