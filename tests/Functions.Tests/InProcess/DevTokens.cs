using System.Text.Json;

namespace HsmVault.Tests.InProcess;

/// <summary>Client-credentials tokens from a development identity provider, for the default audience.</summary>
public static class DevTokens
{
    /// <summary>A token for <paramref name="clientId"/> from the provider at <paramref name="identity"/>'s base address.</summary>
    public static async Task<string> FetchAsync(HttpClient identity, string tenant, string clientId, string secret)
    {
        using var response = await identity.PostAsync($"{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
            ["scope"] = HsmVault.Identity.AuthOptions.DefaultAudience + "/.default",
        }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request for {clientId} failed: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("access_token").GetString()!;
    }
}
