using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Azure.Core;

namespace HsmVault.Tests.Secrets;

/// <summary>A TokenCredential backed by the standalone host's development identity provider (client credentials).</summary>
public sealed class DevTokenCredential(HttpClient http, Uri vault, string tenant, string clientId, string clientSecret) : TokenCredential
{
    private AccessToken? _cached;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        if (requestContext.TenantId is { Length: > 0 } challenged && challenged != tenant)
            throw new InvalidOperationException($"The challenge named tenant {challenged}, expected {tenant}.");
        if (_cached is { } hit && hit.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(1)) return hit;
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret,
            ["scope"] = string.Join(' ', requestContext.Scopes),
        });
        using var response = await http.PostAsync(new Uri(vault, $"/{tenant}/oauth2/v2.0/token"), form, cancellationToken);
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new InvalidOperationException("The token endpoint returned no body.");
        _cached = new AccessToken(token.AccessToken, DateTimeOffset.UtcNow.AddSeconds(token.ExpiresIn));
        return _cached.Value;
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
