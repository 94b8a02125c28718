using System.Security.Cryptography;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace HsmVault.Tests.Secrets;

/// <summary>The official SecretClient, unmodified, built as an app developer would against the standalone host.</summary>
public static class SecretClients
{
    private static readonly Lazy<HttpClient> Http = new(() => PinnedCertificateHttpClient.Create(TestHostEnvironment.CaPath));

    public static SecretClient Admin() => For(TestHostEnvironment.Admin);

    public static SecretClient NoAccess() => For(TestHostEnvironment.NoAccess);

    private static SecretClient For((string Id, string Secret) principal)
    {
        var credential = new DevTokenCredential(Http.Value, TestHostEnvironment.VaultUri, TestHostEnvironment.Tenant, principal.Id, principal.Secret);
        var options = new SecretClientOptions
        {
            DisableChallengeResourceVerification = true,
            Transport = new HttpClientTransport(Http.Value),
        };
        options.Retry.MaxRetries = 1;
        return new SecretClient(TestHostEnvironment.VaultUri, credential, options);
    }

    /// <summary>A secret name unique to this run: Key Vault names allow [0-9a-zA-Z-].</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{DateTime.UtcNow:HHmmss}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
}
