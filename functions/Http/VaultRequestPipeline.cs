using System.Diagnostics;
using System.Net;
using HsmVault.Access;
using HsmVault.Audit;
using HsmVault.Identity;
using HsmVault.Objects;
using HsmVault.Throttling;
using HsmVault.Vaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Http;

/// <summary>
/// The one path every data-plane request takes, under either host: vault, api-version, authentication,
/// authorization, execution, error mapping, audit. Function classes only describe their operation.
/// </summary>
public sealed class VaultRequestPipeline(
    VaultDirectory vaults,
    BearerTokenValidator tokens,
    AccessPolicies policies,
    RequestThrottle throttle,
    AuditLog audit,
    IOptions<LimitsOptions> limits,
    TimeProvider clock,
    ILogger<VaultRequestPipeline> logger)
{
    /// <summary>An operation on the vault as a whole (list, rng…): only vault-wide grants count.</summary>
    public Task<IActionResult> RunAsync(HttpRequest request, VaultOperation operation, Func<RequestContext, Task<VaultResult>> execute) =>
        RunAsync(request, operation, null, execute);

    /// <summary>An operation on one named object (from the route): key-scoped grants covering it count too.</summary>
    public async Task<IActionResult> RunAsync(HttpRequest request, VaultOperation operation, string? objectName, Func<RequestContext, Task<VaultResult>> execute)
    {
        var started = Stopwatch.GetTimestamp();
        var correlationId = RequestIds.StartResponse(request);

        Vault? vault = null;
        CallerIdentity? caller = null;
        RequestContext? context = null;
        VaultResult result;
        try
        {
            vault = await vaults.ResolveAsync(request.Host.Host, request.HttpContext.RequestAborted);
            var apiVersion = ApiVersion.Require(request.Query["api-version"]);
            caller = await CallerAuthentication.AuthenticateAsync(tokens, request, vault.TenantId);
            // After authentication, so requests without a valid token cannot spend a vault's allowance.
            throttle.DemandVault(vault.Name);
            throttle.DemandCaller(vault.Name, caller.ObjectId);
            if (!vault.Enabled) throw VaultException.Forbidden("VaultDisabled", $"Vault '{vault.Name}' is disabled.");
            await policies.DemandAsync(vault, caller, operation.Scope, operation.Permission, objectName, request.HttpContext.RequestAborted);
            if (audit.IsBacklogged) throw VaultException.Unavailable("The audit log cannot keep up; retry shortly.", TimeSpan.FromSeconds(5));
            context = new RequestContext(request, vault, caller, apiVersion, limits.Value.MaxRequestBodyBytes);
            result = await execute(context);
        }
        catch (Exception e) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var mapped = KeyVaultErrors.ErrorOf(e, operation.Name, correlationId, logger);
            result = VaultResult.Error(mapped);
            if (mapped.Status == HttpStatusCode.Unauthorized)
                request.HttpContext.Response.Headers.WWWAuthenticate = vault is null ? tokens.ChallengeHeaderValue : tokens.ChallengeFor(vault.TenantId);
            if ((int)mapped.Status >= 500)
                logger.LogWarning("{Operation} failed with {Status} {Code}: {Reason}", operation.Name, (int)mapped.Status, mapped.Code, e.GetType().Name);
        }

        if (vault is not null)
            await audit.WriteAsync(new AuditRecord(
                clock.GetUtcNow(), vault.Name, caller?.ObjectId, caller?.AppId, caller?.TenantId,
                request.HttpContext.Connection.RemoteIpAddress?.ToString(), operation.Name,
                context?.AuditObjectId, context?.AuditAlgorithm, (int)result.Status, result.AuditResult,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, correlationId));
        return result;
    }
}
