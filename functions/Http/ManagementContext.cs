using HsmVault.Identity;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>An operator's management request after authentication and the role check.</summary>
public sealed class ManagementContext(HttpRequest request, CallerIdentity caller, string apiVersion, int maxBodyBytes)
{
    public HttpRequest Request { get; } = request;
    public CallerIdentity Caller { get; } = caller;
    public string ApiVersion { get; } = apiVersion;
    public CancellationToken Cancellation => Request.HttpContext.RequestAborted;
    public string? AuditObjectId { get; set; }

    public Task<T> ReadJsonAsync<T>() where T : class => JsonBody.ReadAsync<T>(Request, maxBodyBytes);
}
