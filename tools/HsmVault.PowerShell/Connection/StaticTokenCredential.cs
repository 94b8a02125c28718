using Azure.Core;

namespace HsmVault.PowerShell.Connection;

/// <summary>Connect-HsmVault -AccessToken: a token obtained elsewhere, used until it expires.</summary>
public sealed class StaticTokenCredential(string token, DateTimeOffset expiresOn) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, expiresOn);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
