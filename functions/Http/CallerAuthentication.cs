using System.Net;
using HsmVault.Identity;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>The bearer-token check both pipelines start with.</summary>
public static class CallerAuthentication
{
    /// <summary>A validated caller of <paramref name="tenantId"/>, else 401 (503 when the issuer's keys cannot be fetched).</summary>
    public static async Task<CallerIdentity> AuthenticateAsync(BearerTokenValidator tokens, HttpRequest request, string tenantId)
    {
        var outcome = await tokens.ValidateAsync(request.Headers.Authorization.ToString(), request.HttpContext.RequestAborted);
        if (outcome.MetadataUnavailable)
            throw VaultException.Unavailable("The identity provider's signing keys cannot be fetched right now.", TimeSpan.FromSeconds(5));
        if (outcome.Caller is not { } caller)
            throw new VaultException(HttpStatusCode.Unauthorized, "Unauthorized",
                outcome.Error ?? "AKV10000: Request is missing a Bearer or PoP token.");
        // A vault belongs to one tenant: a token from another tenant is refused even if its issuer is trusted.
        if (!caller.TenantId.Equals(tenantId, StringComparison.OrdinalIgnoreCase))
            throw new VaultException(HttpStatusCode.Unauthorized, "Unauthorized", "AKV10032: Invalid issuer: the token's tenant does not own this resource.");
        return caller;
    }
}
