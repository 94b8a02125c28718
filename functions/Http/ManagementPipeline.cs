using System.Diagnostics;
using System.Net;
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
/// The operator plane's path, under either host: served only on the bare DNS suffix; api-version; a token of the
/// operator tenant (HsmVault:Auth:TenantId) carrying the operator app role; throttling; error mapping; audit of every call.
/// </summary>
public sealed class ManagementPipeline(
    VaultHosts hosts,
    BearerTokenValidator tokens,
    RequestThrottle throttle,
    AuditLog audit,
    IOptions<AuthOptions> auth,
    IOptions<LimitsOptions> limits,
    TimeProvider clock,
    ILogger<ManagementPipeline> logger)
{
    /// <summary>Audit records of the operator plane that name no vault use this vault name.</summary>
    public const string AuditVault = "(management)";

    public async Task<IActionResult> RunAsync(HttpRequest request, string operation, string? vaultName, Func<ManagementContext, Task<VaultResult>> execute)
    {
        var started = Stopwatch.GetTimestamp();
        var correlationId = RequestIds.StartResponse(request);

        CallerIdentity? caller = null;
        ManagementContext? context = null;
        VaultResult result;
        try
        {
            if (!hosts.IsBareSuffix(request.Host.Host))
                throw VaultException.NotFound("NotFound", "The management API is served on the service's own host name, not on a vault's.");
            var apiVersion = ManagementApiVersion.Require(request.Query["api-version"]);
            caller = await CallerAuthentication.AuthenticateAsync(tokens, request, auth.Value.TenantId);
            throttle.DemandCaller(AuditVault, caller.ObjectId);
            if (!caller.Roles.Contains(auth.Value.OperatorRole, StringComparer.Ordinal))
                throw VaultException.Forbidden("AccessDenied",
                    $"The caller 'oid={caller.ObjectId}' does not have the operator role '{auth.Value.OperatorRole}' required by the management API.");
            context = new ManagementContext(request, caller, apiVersion, limits.Value.MaxRequestBodyBytes);
            result = await execute(context);
        }
        catch (Exception e) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var mapped = KeyVaultErrors.ErrorOf(e, operation, correlationId, logger);
            result = VaultResult.Error(mapped);
            if (mapped.Status == HttpStatusCode.Unauthorized)
                request.HttpContext.Response.Headers.WWWAuthenticate = tokens.ChallengeHeaderValue;
        }

        await audit.WriteAsync(new AuditRecord(
            clock.GetUtcNow(), VaultNames.IsValid(vaultName) ? vaultName!.ToLowerInvariant() : AuditVault, caller?.ObjectId, caller?.AppId, caller?.TenantId,
            request.HttpContext.Connection.RemoteIpAddress?.ToString(), operation,
            context?.AuditObjectId, null, (int)result.Status, result.AuditResult,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, correlationId));
        return result;
    }
}
