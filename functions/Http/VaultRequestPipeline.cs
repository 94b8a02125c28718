using System.Diagnostics;
using System.Net;
using HsmVault.Access;
using HsmVault.Audit;
using HsmVault.Identity;
using HsmVault.Objects;
using HsmVault.Telemetry;
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
    AuditStep auditStep,
    FailedAuthentications failedAuthentications,
    IOptions<LimitsOptions> limits,
    PortalCors cors,
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
        var span = RequestTelemetry.Begin(correlationId, operation.Name);
        cors.Apply(request);

        Vault? vault = null;
        CallerIdentity? caller = null;
        RequestContext? context = null;
        string? apiVersion = null;
        var refusedForBacklog = false;
        VaultResult result;
        try
        {
            VaultException? unknown = null;
            try { vault = await vaults.ResolveAsync(request.Host.Host, request.HttpContext.RequestAborted); }
            catch (VaultException e) when (e.Status == HttpStatusCode.NotFound) { unknown = e; }
            // Before anything costs more than a lookup: an address flooding bad tokens is refused here (counted in aggregates).
            failedAuthentications.Demand(request, tokens);
            apiVersion = ApiVersion.Require(request.Query["api-version"]);
            if (unknown is not null)
            {
                // An unknown vault answers an unauthenticated caller as a vault of the deployment's tenant would (401 and
                // its challenge): only an authenticated caller learns that the vault does not exist.
                await CallerAuthentication.AuthenticateAsync(tokens, request, tenantId: null);
                throw unknown;
            }
            var tenant = vault!.TenantId;
            caller = await RequestTelemetry.StepAsync(Spans.Authenticate, () => CallerAuthentication.AuthenticateAsync(tokens, request, tenant));
            // After authentication, so requests without a valid token cannot spend a vault's allowance.
            throttle.DemandVault(vault.Name);
            throttle.DemandCaller(vault.Name, caller.ObjectId);
            if (!vault.Enabled) throw VaultException.Forbidden("VaultDisabled", $"Vault '{vault.Name}' is disabled.");
            var (authorizing, authenticated) = (vault, caller);
            await RequestTelemetry.StepAsync(Spans.Authorize, async () =>
            {
                await policies.DemandAsync(authorizing, authenticated, operation.Scope, operation.Permission, objectName, request.HttpContext.RequestAborted);
                return true;
            });
            if (refusedForBacklog = audit.IsBacklogged(vault.Name)) throw VaultException.Unavailable("The audit log cannot keep up; retry shortly.", RetryAfter.AuditBacklog);
            context = new RequestContext(request, vault, caller, apiVersion, limits.Value.MaxRequestBodyBytes);
            result = await execute(context);
        }
        catch (Exception e)
        {
            result = KeyVaultErrors.FailureOf(e, request, operation.Name, correlationId, logger);
            failedAuthentications.Observe(request, result.Status);
            if (result.Status == HttpStatusCode.Unauthorized)
                request.HttpContext.Response.Headers.WWWAuthenticate = vault is null ? tokens.ChallengeHeaderValue : tokens.ChallengeFor(vault.TenantId);
        }

        if (refusedForBacklog)
        {
            auditStep.CountRefusal(request, vault?.Name, result);
        }
        else
        {
            // Also when the client went away: the operation may have changed state, so its record is stored all the same.
            result = await auditStep.RecordAsync(request,
                new AuditStep.Outcome(vault?.Name, caller, operation.Name, apiVersion, context?.AuditObjectId ?? RouteObject(operation, objectName),
                    context?.AuditAlgorithm, context?.AuditKeyEncryptionKey),
                result, started, correlationId);
        }
        RequestTelemetry.End(span, operation.Name, vault?.Name, result, started);
        return result;
    }

    /// <summary>The object named by the route (<c>keys/name</c>), recorded when the request failed before the operation said more.</summary>
    private static string? RouteObject(VaultOperation operation, string? objectName) =>
        objectName is null ? null : $"{(operation.Scope == PermissionScope.Keys ? "keys" : "secrets")}/{objectName}";
}
