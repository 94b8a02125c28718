using HsmVault.Objects;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>An operation's context plus the HTTP request it came in: endpoints read the body and query through it.</summary>
public sealed class RequestContext(HttpRequest request, Vault vault, CallerIdentity caller, string apiVersion, int maxBodyBytes)
    // Not the request's abort token: once admitted, an operation runs to its end even if the client goes away, so no storage
    // or HSM write is cut off midway with an unknown outcome, and its audit record tells what it did.
    : OperationContext(vault, caller, apiVersion, CancellationToken.None)
{
    public HttpRequest Request { get; } = request;

    /// <summary>Reads and parses the JSON body, refusing oversized, empty or malformed bodies with 4xx errors.</summary>
    public Task<T> ReadJsonAsync<T>() where T : class => JsonBody.ReadAsync<T>(Request, maxBodyBytes);

    /// <summary>The list page the query asks for (<c>maxresults</c>, <c>$skiptoken</c>).</summary>
    public PageRequest ReadPage() => Paging.Parse(Request.Query["maxresults"].ToString(), Request.Query["$skiptoken"].ToString());
}
