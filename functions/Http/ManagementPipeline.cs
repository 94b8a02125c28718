using System.Diagnostics;
using System.Net;
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
/// The operator plane's path, under either host: served only on the bare DNS suffix; api-version; a token of the
/// operator tenant (HsmVault:Auth:TenantId) carrying the operator app role; throttling; error mapping; audit of every call.
/// </summary>
public sealed class ManagementPipeline(
    VaultHosts hosts,
    BearerTokenValidator tokens,
    RequestThrottle throttle,
    AuditStep audit,
    FailedAuthentications failedAuthentications,
    IOptions<AuthOptions> auth,
    IOptions<LimitsOptions> limits,
    ILogger<ManagementPipeline> logger)
{
    /// <summary>Audit records of the operator plane that name no vault use this vault name.</summary>
    public const string AuditVault = "(management)";

    /// <param name="auditorsToo">The audit routes: the auditor role is enough.</param>
    public async Task<IActionResult> RunAsync(HttpRequest request, string operation, string? vaultName, Func<ManagementContext, Task<VaultResult>> execute,
        bool auditorsToo = false)
    {
        var started = Stopwatch.GetTimestamp();
        var correlationId = RequestIds.StartResponse(request);
        var span = RequestTelemetry.Begin(correlationId, operation);

        CallerIdentity? caller = null;
        ManagementContext? context = null;
        string? apiVersion = null;
        VaultResult result;
        try
        {
            if (!hosts.IsBareSuffix(request.Host.Host))
                throw VaultException.NotFound("NotFound", "The management API is served on the service's own host name, not on a vault's.");
            failedAuthentications.Demand(request, tokens);
            apiVersion = ManagementApiVersion.Require(request.Query["api-version"]);
            caller = await RequestTelemetry.StepAsync(Spans.Authenticate, () => CallerAuthentication.AuthenticateAsync(tokens, request, auth.Value.TenantId));
            throttle.DemandCaller(AuditVault, caller.ObjectId);
            if (!caller.Roles.Contains(auth.Value.OperatorRole, StringComparer.Ordinal)
                && !(auditorsToo && caller.Roles.Contains(auth.Value.AuditorRole, StringComparer.Ordinal)))
                throw VaultException.Forbidden("AccessDenied", auditorsToo
                    ? $"The caller 'oid={caller.ObjectId}' has neither the auditor role '{auth.Value.AuditorRole}' nor the operator role '{auth.Value.OperatorRole}'."
                    : $"The caller 'oid={caller.ObjectId}' does not have the operator role '{auth.Value.OperatorRole}' required by the management API.");
            context = new ManagementContext(request, caller, apiVersion, limits.Value.MaxRequestBodyBytes);
            result = await execute(context);
        }
        catch (Exception e)
        {
            result = KeyVaultErrors.FailureOf(e, request, operation, correlationId, logger);
            failedAuthentications.Observe(request, result.Status);
            if (result.Status == HttpStatusCode.Unauthorized)
                request.HttpContext.Response.Headers.WWWAuthenticate = tokens.ChallengeHeaderValue;
        }

        var vault = VaultNames.IsValid(vaultName) ? vaultName!.ToLowerInvariant() : AuditVault;
        result = await audit.RecordAsync(request, new AuditStep.Outcome(vault, caller, operation, apiVersion, context?.AuditObjectId, null),
            result, started, correlationId);
        RequestTelemetry.End(span, operation, vault, result, started);
        return result;
    }
}
