using System.Diagnostics;
using HsmVault.Audit;
using HsmVault.Identity;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>
/// The last step of both pipelines: an authenticated request's record is stored before its result is returned (503 with
/// Retry-After instead when it cannot be); a request that failed before authentication is only counted into an aggregate.
/// Runs whether or not the client is still there.
/// </summary>
public sealed class AuditStep(AuditLog log, UnauthenticatedCounter unauthenticated, ClientAddresses addresses, TimeProvider clock)
{
    private const int MaxUriLength = 1024;
    private const int MaxClientInfoLength = 256;

    /// <summary>What a pipeline knows about the request when it records it.</summary>
    public sealed record Outcome(
        string? Vault, CallerIdentity? Caller, string Operation, string? ApiVersion, string? ObjectId, string? Algorithm,
        string? KeyEncryptionKey = null);

    public async Task<VaultResult> RecordAsync(HttpRequest request, Outcome outcome, VaultResult result, long startedTimestamp, string correlationId)
    {
        var address = addresses.Of(request);
        var reason = result.AuditResult;
        if (outcome.Caller is not { } caller)
        {
            unauthenticated.Count(outcome.Vault, address, reason, (int)result.Status);
            return result;
        }
        var record = new AuditRecord(
            clock.GetUtcNow(), outcome.Vault ?? AuditBlobNames.UnresolvedVault, caller.ObjectId, caller.AppId, caller.TenantId, address,
            outcome.Operation, outcome.ObjectId, outcome.Algorithm, (int)result.Status, reason,
            Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, correlationId, outcome.ApiVersion,
            Truncate($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}", MaxUriLength),
            Truncate(request.Headers.UserAgent.ToString(), MaxClientInfoLength), KeyEncryptionKey: outcome.KeyEncryptionKey);
        try
        {
            await log.WriteAsync(record);
            return result;
        }
        catch (AuditUnavailableException e)
        {
            return VaultResult.Error(VaultException.Unavailable(e.Message, RetryAfter.AuditBacklog));
        }
    }

    /// <summary>An authenticated request refused because the log is behind: counted, so the refusal itself cannot grow the backlog.</summary>
    public void CountRefusal(HttpRequest request, string? vault, VaultResult result) =>
        unauthenticated.Count(vault, addresses.Of(request), result.AuditResult, (int)result.Status);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
