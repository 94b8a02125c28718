using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmVault.Storage;

namespace HsmVault.Hosting;

/// <summary>
/// The standalone host's TLS certificate: a self-signed leaf (<c>CA:false</c>, server authentication only, no
/// certificate signing) for the served names, made once in the private data folder and remade only when it nears expiry,
/// no longer covers the configured names, or is a CA (older versions made one). Clients trust the PEM file it writes;
/// whoever reads its key can impersonate these local names, never mint certificates for other sites.
/// </summary>
public static class DevCertificate
{
    public sealed record Loaded(X509Certificate2 Certificate, string PemPath);

    public static Loaded LoadOrCreate(string directory, IReadOnlyCollection<string> dnsNames)
    {
        directory = PrivateFolder.Ensure(directory);
        var pfxPath = Path.Combine(directory, "tls.pfx");
        var pemPath = Path.Combine(directory, "tls-cert.pem");
        if (File.Exists(pfxPath) && File.Exists(pemPath))
        {
            PrivateFolder.DemandPrivate(pfxPath);
            var existing = X509CertificateLoader.LoadPkcs12FromFile(pfxPath, null);
            if (existing.NotAfter > DateTime.Now.AddDays(7) && !IsCa(existing) && dnsNames.All(n => Covers(existing, n)))
                return new Loaded(existing, pemPath);
            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=HsmVault local", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames) san.AddDnsName(name);
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));

        PrivateFolder.WritePrivate(pfxPath, created.Export(X509ContentType.Pkcs12));
        PrivateFolder.WritePrivate(pemPath, System.Text.Encoding.ASCII.GetBytes(created.ExportCertificatePem() + "\n"));
        return new Loaded(X509CertificateLoader.LoadPkcs12FromFile(pfxPath, null), pemPath);
    }

    private static bool IsCa(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority)
        || cert.Extensions.OfType<X509KeyUsageExtension>().Any(u => u.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));

    private static bool Covers(X509Certificate2 cert, string dnsName) =>
        cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Any(e => e.EnumerateDnsNames().Contains(dnsName, StringComparer.OrdinalIgnoreCase));
}
