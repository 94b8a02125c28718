using System.Net;
using Azure;
using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HsmVault.Http;

/// <summary>
/// The exception → Key Vault error table both pipelines use. HSM failures show the adapter's client message, never the
/// PKCS#11 detail (<see cref="HsmException.ClientMessage"/>).
/// </summary>
public static class KeyVaultErrors
{
    /// <summary>The Key Vault error for an exception. Null means a bug (see <see cref="ErrorOf"/>).</summary>
    public static VaultException? ToVaultException(Exception e) => e switch
    {
        VaultException v => v,
        ConcurrentChangeException c => new VaultException(HttpStatusCode.Conflict, "Conflict", c.Message),
        InvalidContinuationException c => VaultException.BadParameter(c.Message),
        HsmException { Kind: HsmErrorKind.NotFound } => VaultException.NotFound("KeyNotFound", "The key's HSM object was not found."),
        HsmException { Kind: HsmErrorKind.InvalidInput } h => VaultException.BadParameter(h.ClientMessage),
        HsmException { Kind: HsmErrorKind.Unsupported } h => VaultException.BadParameter($"The vault's HSM does not support this operation: {h.ClientMessage}"),
        HsmException { Kind: HsmErrorKind.Busy } => new VaultException((HttpStatusCode)429, "Throttled",
            "The vault's HSM is at its limit of concurrent operations; retry shortly.", retryAfter: TimeSpan.FromSeconds(1)),
        HsmException => new VaultException(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "The HSM is temporarily unavailable.",
            "HsmUnavailable", RetryAfter.Dependency),
        BrokenCircuitException b => VaultException.Unavailable("A dependency of the vault is unavailable.", b.RetryAfter ?? ResiliencePipelines.BreakDuration),
        TimeoutRejectedException => VaultException.Unavailable("A dependency of the vault did not answer in time.", RetryAfter.Dependency),
        RequestFailedException r when ResiliencePipelines.IsTransientStorageFault(r) =>
            VaultException.Unavailable("Table storage is unavailable.", RetryAfter.Dependency),
        HttpRequestException => VaultException.Unavailable("Table storage is unavailable.", RetryAfter.Dependency),
        _ => null,
    };

    /// <summary>The Key Vault error for a failure; an unexpected one is logged and becomes a 500 that names only the correlation id.</summary>
    public static VaultException ErrorOf(Exception e, string operation, string correlationId, ILogger logger)
    {
        // The token's own words (CKR_*) go to the log only; the caller gets the client message.
        if (e is HsmException h && h.Message != h.ClientMessage)
            logger.LogInformation("{Operation}: {HsmDetail}", operation, h.Message);
        if (ToVaultException(e) is { } mapped) return mapped;
        logger.LogError(e, "{Operation} failed unexpectedly", operation);
        return new VaultException(HttpStatusCode.InternalServerError, "InternalError", $"The vault failed to process the request; correlation id {correlationId}.");
    }

    /// <summary>
    /// The result of a failed request: its Key Vault error, or 499 when the client closed the connection and the operation
    /// was cancelled (nobody reads that answer, but the audit record says what happened).
    /// </summary>
    public static VaultResult FailureOf(Exception e, HttpRequest request, string operation, string correlationId, ILogger logger)
    {
        if (e is OperationCanceledException && request.HttpContext.RequestAborted.IsCancellationRequested)
            return VaultResult.Error(new VaultException((HttpStatusCode)499, "ClientClosedRequest", "The client closed the connection."));
        var mapped = ErrorOf(e, operation, correlationId, logger);
        if ((int)mapped.Status >= 500)
            logger.LogWarning("{Operation} failed with {Status} {Code}: {Reason}", operation, (int)mapped.Status, mapped.Code, e.GetType().Name);
        return VaultResult.Error(mapped);
    }
}
