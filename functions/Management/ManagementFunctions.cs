using HsmVault.Access;
using HsmVault.Pipeline;
using HsmVault.Vaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Management;

/// <summary>The operator plane: vaults and their access policies, on the service's bare host name, for callers with the operator role.</summary>
public sealed class ManagementFunctions(ManagementPipeline pipeline, VaultManagement vaults, AccessPolicyStore policies, VaultStore store)
{
    [Function("ListVaults")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/vaults")] HttpRequest req) =>
        pipeline.RunAsync(req, "VaultList", null, vaults.ListAsync);

    [Function("GetVault")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultGet", vaultName, ctx => vaults.GetAsync(ctx, vaultName));

    [Function("PutVault")]
    public Task<IActionResult> Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultPut", vaultName, async ctx => await vaults.PutAsync(ctx, vaultName, await ctx.ReadJsonAsync<VaultPutParameters>()));

    [Function("PatchVault")]
    public Task<IActionResult> Patch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultPatch", vaultName, async ctx => await vaults.PatchAsync(ctx, vaultName, await ctx.ReadJsonAsync<VaultPutParameters>()));

    [Function("DeleteVault")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "management/vaults/{vaultName}")] HttpRequest req, string vaultName) =>
        pipeline.RunAsync(req, "VaultDelete", vaultName, ctx => vaults.DeleteAsync(ctx, vaultName));

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
