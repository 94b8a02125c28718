using System.Net;
using Azure;
using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HsmVault.Http;

/// <summary>The exception → Key Vault error table both pipelines use.</summary>
public static class KeyVaultErrors
{
    /// <summary>The Key Vault error for an exception. Null means a bug (see <see cref="ErrorOf"/>).</summary>
    public static VaultException? ToVaultException(Exception e) => e switch
    {
        VaultException v => v,
        ConcurrentChangeException c => new VaultException(HttpStatusCode.Conflict, "Conflict", c.Message),
        InvalidContinuationException c => VaultException.BadParameter(c.Message),
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

    /// <summary>The Key Vault error for a failure; an unexpected one is logged and becomes a 500 that names only the correlation id.</summary>
    public static VaultException ErrorOf(Exception e, string operation, string correlationId, ILogger logger)
    {
        if (ToVaultException(e) is { } mapped) return mapped;
        logger.LogError(e, "{Operation} failed unexpectedly", operation);
        return new VaultException(HttpStatusCode.InternalServerError, "InternalError", $"The vault failed to process the request; correlation id {correlationId}.");
    }
}
