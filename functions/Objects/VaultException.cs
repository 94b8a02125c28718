using System.Net;

namespace HsmVault.Objects;

/// <summary>A failure the caller should see as a Key Vault error body. Messages must never carry secret data.</summary>
public sealed class VaultException(HttpStatusCode status, string code, string message, string? innerCode = null, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
    public string? InnerCode { get; } = innerCode;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static VaultException BadParameter(string message) => new(HttpStatusCode.BadRequest, "BadParameter", message);
    public static VaultException NotFound(string code, string message) => new(HttpStatusCode.NotFound, code, message);
    public static VaultException Forbidden(string innerCode, string message) => new(HttpStatusCode.Forbidden, "Forbidden", message, innerCode);
    public static VaultException Unavailable(string message, TimeSpan retryAfter) =>
        new(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", message, retryAfter: retryAfter);
}
