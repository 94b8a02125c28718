using HsmVault.Management;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>An operator's management request after authentication and the role check, with the HTTP request it came in.
/// Its cancellation is None: once admitted, an operation runs to its end even if the client goes away, so no storage or HSM
/// write is cut off midway with an unknown outcome, and its audit record tells what it did.</summary>
public sealed class ManagementContext(HttpRequest request, CallerIdentity caller, string apiVersion, int maxBodyBytes)
    : ManagementCall(caller, apiVersion, CancellationToken.None)
{
    public HttpRequest Request { get; } = request;

    public Task<T> ReadJsonAsync<T>() where T : class => JsonBody.ReadAsync<T>(Request, maxBodyBytes);
}
