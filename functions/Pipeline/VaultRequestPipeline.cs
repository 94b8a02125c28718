using System.Diagnostics;
using System.Net;
using Azure;
using HsmVault.Access;
using HsmVault.Audit;
using HsmVault.Hsm;
using HsmVault.Identity;
using HsmVault.Resilience;
using HsmVault.Throttling;
using HsmVault.Vaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HsmVault.Pipeline;

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
    IOptions<LimitsOptions> limits,
    ILogger<VaultRequestPipeline> logger)
{
    /// <summary>An operation on the vault as a whole (list, rng…): only vault-wide grants count.</summary>
    public Task<IActionResult> RunAsync(HttpRequest request, VaultOperation operation, Func<RequestContext, Task<VaultResult>> execute) =>
        RunAsync(request, operation, null, execute);

    /// <summary>An operation on one named object (from the route): key-scoped grants covering it count too.</summary>
    public async Task<IActionResult> RunAsync(HttpRequest request, VaultOperation operation, string? objectName, Func<RequestContext, Task<VaultResult>> execute)
    {
        var started = Stopwatch.GetTimestamp();
        var correlationId = StartResponse(request);

        Vault? vault = null;
        CallerIdentity? caller = null;
        RequestContext? context = null;
        string? apiVersion = null;
        var refusedForBacklog = false;
        VaultResult result;
        try
        {
            vault = await vaults.ResolveAsync(request.Host.Host, request.HttpContext.RequestAborted);
            apiVersion = ApiVersion.Require(request.Query["api-version"]);
            caller = await AuthenticateAsync(tokens, request, vault.TenantId);
            // After authentication, so requests without a valid token cannot spend a vault's allowance.
            throttle.DemandVault(vault.Name);
            throttle.DemandCaller(vault.Name, caller.ObjectId);
            if (!vault.Enabled) throw VaultException.Forbidden("VaultDisabled", $"Vault '{vault.Name}' is disabled.");
            await policies.DemandAsync(vault, caller, operation.Scope, operation.Permission, objectName, request.HttpContext.RequestAborted);
            if (refusedForBacklog = audit.IsBacklogged) throw VaultException.Unavailable("The audit log cannot keep up; retry shortly.", TimeSpan.FromSeconds(5));
            context = new RequestContext(request, vault, caller, apiVersion, limits.Value.MaxRequestBodyBytes);
            result = await execute(context);
        }
        catch (Exception e)
        {
            result = FailureOf(e, request, operation.Name, correlationId, logger);
            if (result.Status == HttpStatusCode.Unauthorized)
                request.HttpContext.Response.Headers.WWWAuthenticate = vault is null ? tokens.ChallengeHeaderValue : tokens.ChallengeFor(vault.TenantId);
        }

        if (refusedForBacklog)
        {
            auditStep.CountRefusal(request, vault?.Name, result);
            return result;
        }
        // Also when the client went away: the operation may have changed state, so its record is stored all the same.
        return await auditStep.RecordAsync(request,
            new AuditStep.Outcome(vault?.Name, caller, operation.Name, apiVersion, context?.AuditObjectId, context?.AuditAlgorithm),
            result, started, correlationId);
    }

    /// <summary>
    /// The result of a failed request: its Key Vault error, or 499 when the client closed the connection and the operation
    /// was cancelled (nobody reads that answer, but the audit record says what happened).
    /// </summary>
    internal static VaultResult FailureOf(Exception e, HttpRequest request, string operation, string correlationId, ILogger logger)
    {
        if (e is OperationCanceledException && request.HttpContext.RequestAborted.IsCancellationRequested)
            return VaultResult.Error(new VaultException((HttpStatusCode)499, "ClientClosedRequest", "The client closed the connection."));
        var mapped = ErrorOf(e, operation, correlationId, logger);
        if ((int)mapped.Status >= 500)
            logger.LogWarning("{Operation} failed with {Status} {Code}: {Reason}", operation, (int)mapped.Status, mapped.Code, e.GetType().Name);
        return VaultResult.Error(mapped);
    }

    /// <summary>A validated caller of <paramref name="tenantId"/>, else 401 (503 when the issuer's keys cannot be fetched).</summary>
    internal static async Task<CallerIdentity> AuthenticateAsync(BearerTokenValidator tokens, HttpRequest request, string tenantId)
    {
        var outcome = await tokens.ValidateAsync(request.Headers.Authorization.ToString(), request.HttpContext.RequestAborted);
        if (outcome.MetadataUnavailable)
            throw VaultException.Unavailable("The identity provider's signing keys cannot be fetched right now.", TimeSpan.FromSeconds(5));
        if (outcome.Caller is not { } caller)
            throw new VaultException(HttpStatusCode.Unauthorized, "Unauthorized",
                outcome.Error ?? "AKV10000: Request is missing a Bearer or PoP token.");
        // A vault belongs to one tenant: a token from another tenant is refused even if its issuer is trusted.
        if (!caller.TenantId.Equals(tenantId, StringComparison.OrdinalIgnoreCase))
            throw new VaultException(HttpStatusCode.Unauthorized, "Unauthorized", "AKV10032: Invalid issuer: the token's tenant does not own this resource.");
        return caller;
    }

    /// <summary>The exception → Key Vault error table. Null means a bug (see <see cref="ErrorOf"/>).</summary>
    internal static VaultException? ToVaultException(Exception e) => e switch
    {
        VaultException v => v,
        HsmException { Kind: HsmErrorKind.NotFound } => VaultException.NotFound("KeyNotFound", "The key's HSM object was not found."),
        HsmException { Kind: HsmErrorKind.InvalidInput } h => VaultException.BadParameter(h.Message),
        HsmException { Kind: HsmErrorKind.Unsupported } h => VaultException.BadParameter($"The vault's HSM does not support this operation: {h.Message}"),
        HsmException => VaultException.Unavailable("The HSM is temporarily unavailable.", TimeSpan.FromSeconds(2)),
        BrokenCircuitException b => VaultException.Unavailable("A dependency of the vault is unavailable.", b.RetryAfter ?? ResiliencePipelines.BreakDuration),
        TimeoutRejectedException => VaultException.Unavailable("A dependency of the vault did not answer in time.", TimeSpan.FromSeconds(2)),
        RequestFailedException r when ResiliencePipelines.IsTransientStorageFault(r) =>
            VaultException.Unavailable("Table storage is unavailable.", TimeSpan.FromSeconds(2)),
        HttpRequestException => VaultException.Unavailable("Table storage is unavailable.", TimeSpan.FromSeconds(2)),
        _ => null,
    };

    /// <summary>Sets x-ms-request-id (and echoes x-ms-client-request-id); returns the correlation id for audit.</summary>
    internal static string StartResponse(HttpRequest request)
    {
        var correlationId = CorrelationIdOf(request);
        request.HttpContext.Response.Headers["x-ms-request-id"] = correlationId;
        if (request.Headers.TryGetValue("x-ms-client-request-id", out var clientRequestId))
            request.HttpContext.Response.Headers["x-ms-client-request-id"] = clientRequestId.ToString();
        return correlationId;
    }

    /// <summary>The Key Vault error for a failure; an unexpected one is logged and becomes a 500 that names only the correlation id.</summary>
    internal static VaultException ErrorOf(Exception e, string operation, string correlationId, ILogger logger)
    {
        if (ToVaultException(e) is { } mapped) return mapped;
        logger.LogError(e, "{Operation} failed unexpectedly", operation);
        return new VaultException(HttpStatusCode.InternalServerError, "InternalError", $"The vault failed to process the request; correlation id {correlationId}.");
    }

    internal static string CorrelationIdOf(HttpRequest request)
    {
        var id = request.Headers["x-ms-client-request-id"].ToString();
        return id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? id : Guid.NewGuid().ToString();
    }

    internal static string ResultOf(VaultResult r) => r.Body is ErrorEnvelope e ? e.Error.InnerError?.Code ?? e.Error.Code : "Success";
}
