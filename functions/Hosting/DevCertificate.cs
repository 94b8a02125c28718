using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HsmVault.Hosting;

/// <summary>
/// The standalone host's self-signed TLS certificate: made once, kept in the data folder, and remade only when it
/// nears expiry or no longer covers the configured host names. Clients trust the PEM file it writes.
/// </summary>
public static class DevCertificate
{
    public sealed record Loaded(X509Certificate2 Certificate, string PemPath);

    public static Loaded LoadOrCreate(string directory, IReadOnlyCollection<string> dnsNames)
    {
        Directory.CreateDirectory(directory);
        var pfxPath = Path.Combine(directory, "tls.pfx");
        var pemPath = Path.Combine(directory, "tls-cert.pem");
        if (File.Exists(pfxPath) && File.Exists(pemPath))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(pfxPath, null);
            if (existing.NotAfter > DateTime.Now.AddDays(7) && dnsNames.All(n => Covers(existing, n))) return new Loaded(existing, pemPath);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=HsmVault local", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames) san.AddDnsName(name);
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        // Self-signed and used as its own trust anchor by clients, hence CA:true as well as the server-auth usage.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));

        WritePrivate(pfxPath, created.Export(X509ContentType.Pkcs12));
        File.WriteAllText(pemPath, created.ExportCertificatePem() + "\n");
        return new Loaded(X509CertificateLoader.LoadPkcs12FromFile(pfxPath, null), pemPath);
    }

    private static bool Covers(X509Certificate2 cert, string dnsName) =>
        cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Any(e => e.EnumerateDnsNames().Contains(dnsName, StringComparer.OrdinalIgnoreCase));

    private static void WritePrivate(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write,
            UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        stream.Write(bytes);
    }
}
