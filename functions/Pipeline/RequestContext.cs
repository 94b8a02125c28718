using HsmVault.Identity;
using HsmVault.Vaults;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Pipeline;

/// <summary>What an operation knows about its request once the pipeline has authenticated and authorized it.</summary>
public sealed class RequestContext(HttpRequest request, Vault vault, CallerIdentity caller, string apiVersion, int maxBodyBytes)
{
    public HttpRequest Request { get; } = request;
    public Vault Vault { get; } = vault;
    public CallerIdentity Caller { get; } = caller;
    public string ApiVersion { get; } = apiVersion;
    /// <summary>
    /// None: once admitted, an operation runs to its end even if the client goes away, so no storage or HSM write is cut off
    /// midway with an unknown outcome, and its audit record tells what it did.
    /// </summary>
    public CancellationToken Cancellation => CancellationToken.None;

    /// <summary>Object the operation touched (e.g. keys/name/version), recorded in the audit log.</summary>
    public string? AuditObjectId { get; set; }
    public string? AuditAlgorithm { get; set; }

    /// <summary>Reads and parses the JSON body, refusing oversized, empty or malformed bodies with 4xx errors.</summary>
    public Task<T> ReadJsonAsync<T>() where T : class => JsonBody.ReadAsync<T>(Request, maxBodyBytes);
}
