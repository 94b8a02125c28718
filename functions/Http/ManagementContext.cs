using HsmVault.Management;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>An operator's management request after authentication and the role check, with the HTTP request it came in.</summary>
public sealed class ManagementContext(HttpRequest request, CallerIdentity caller, string apiVersion, int maxBodyBytes)
    : ManagementCall(caller, apiVersion, request.HttpContext.RequestAborted)
{
    public HttpRequest Request { get; } = request;

    public Task<T> ReadJsonAsync<T>() where T : class => JsonBody.ReadAsync<T>(Request, maxBodyBytes);
}
