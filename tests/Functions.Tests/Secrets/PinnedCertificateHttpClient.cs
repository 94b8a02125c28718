using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HsmVault.Tests.Secrets;

/// <summary>An HttpClient that trusts exactly the standalone host's self-signed certificate (and checks the host name).</summary>
public static class PinnedCertificateHttpClient
{
    public static HttpClient Create(string caPemPath)
    {
        var pinned = X509Certificate2.CreateFromPem(File.ReadAllText(caPemPath));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
                certificate is not null
                && certificate.RawData.AsSpan().SequenceEqual(pinned.RawData)
                && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None,
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }
}
