using System.Management.Automation;
using System.Net;

namespace HsmVault.PowerShell.Http;

/// <summary>A Key Vault error answer: status, the vault's error code and inner code, its message and the request ids.</summary>
public sealed class VaultServiceException(HttpStatusCode status, string code, string? innerCode, string message, string clientRequestId)
    : Exception(innerCode is null ? $"{code}: {message}" : $"{code} ({innerCode}): {message}")
{
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
    public string? InnerCode { get; } = innerCode;
    public string ServiceMessage { get; } = message;
    public string ClientRequestId { get; } = clientRequestId;

    public ErrorCategory Category => Status switch
    {
        HttpStatusCode.BadRequest => ErrorCategory.InvalidArgument,
        HttpStatusCode.Unauthorized => ErrorCategory.AuthenticationError,
        HttpStatusCode.Forbidden => ErrorCategory.PermissionDenied,
        HttpStatusCode.NotFound => ErrorCategory.ObjectNotFound,
        HttpStatusCode.Conflict => ErrorCategory.ResourceExists,
        HttpStatusCode.TooManyRequests => ErrorCategory.LimitsExceeded,
        HttpStatusCode.ServiceUnavailable => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>The ErrorRecord cmdlets write: its id is the vault's code (e.g. KeyNotFound, Forbidden), never a stack trace.</summary>
    public ErrorRecord ToErrorRecord(object? target) =>
        new(this, InnerCode ?? Code, Category, target)
        {
            ErrorDetails = new ErrorDetails(Message)
            {
                RecommendedAction = Status switch
                {
                    HttpStatusCode.Unauthorized => "Run Connect-HsmVault again, with a principal of the vault's tenant.",
                    HttpStatusCode.Forbidden => "Ask an operator for the permission with Set-HsmVaultAccessPolicy.",
                    HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => "Retry later.",
                    _ => null,
                },
            },
        };
}
