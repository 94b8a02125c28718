using System.Net;
using System.Text.RegularExpressions;

namespace HsmVault.PowerShell.Connection;

/// <summary>
/// The audience a service names in its 401 challenge (<c>WWW-Authenticate: Bearer ..., resource="..."</c>), read the way the
/// Key Vault SDKs read it, so Connect-HsmVault asks for the deployment's own token without being told.
/// </summary>
public static partial class ChallengeAudience
{
    public static async Task<string> DiscoverAsync(HttpClient http, Uri serviceUri, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(serviceUri, "secrets?api-version=7.6"));
        using var response = await http.SendAsync(request, cancellation);
        var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        return response.StatusCode == HttpStatusCode.Unauthorized && Parse(challenge) is { } audience
            ? audience
            : throw new InvalidOperationException(
                $"{serviceUri} answered {(int)response.StatusCode} without a Bearer challenge naming its audience; pass -Audience.");
    }

    /// <summary>The challenge's resource, or its scope without "/.default"; null when it names neither.</summary>
    public static string? Parse(string challenge)
    {
        if (Resource().Match(challenge) is { Success: true } resource) return resource.Groups[1].Value;
        if (Scope().Match(challenge) is { Success: true } scope)
            return scope.Groups[1].Value is var s && s.EndsWith("/.default", StringComparison.Ordinal) ? s[..^"/.default".Length] : s;
        return null;
    }

    [GeneratedRegex(@"(?:^|[\s,])resource=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex Resource();

    [GeneratedRegex(@"(?:^|[\s,])scope=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex Scope();
}
