using System.Security.Cryptography.X509Certificates;
using HsmVault.Hosting;
using HsmVault.Identity;

namespace HsmVault.Tests.Unit;

/// <summary>Issue #13, finding 7: the local TLS certificate is a leaf, and the data folder and key files are owner-only.</summary>
public sealed class LocalTlsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hsmvault-tls-" + Guid.NewGuid().ToString("N"));
    private string Data => Path.Combine(_root, "data");
    private static readonly string[] Names = ["localhost", "*.localhost"];

    [Fact]
    public void The_certificate_is_a_leaf_that_cannot_sign_certificates()
    {
        var loaded = DevCertificate.LoadOrCreate(Data, Names);
        var basic = loaded.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.False(basic.CertificateAuthority);
        Assert.True(basic.Critical);
        var usage = loaded.Certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.False(usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.False(usage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign));
        var eku = loaded.Certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
    }

    [Fact]
    public void The_folder_is_created_0700_and_the_files_0600()
    {
        DevCertificate.LoadOrCreate(Data, Names);
        using var _ = DevSigningKey.LoadOrCreate(Data);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Data));
        foreach (var file in new[] { "tls.pfx", "tls-cert.pem", DevSigningKey.FileName })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Data, file)));
    }

    [Fact]
    public void A_folder_others_can_read_is_refused_with_the_fix()
    {
        Directory.CreateDirectory(Data);
        File.SetUnixFileMode(Data, (UnixFileMode)0b111_101_101); // 0755
        var e = Assert.Throws<InvalidOperationException>(() => DevCertificate.LoadOrCreate(Data, Names));
        Assert.Contains("0755", e.Message);
        Assert.Contains("chmod 700", e.Message);
        Assert.Throws<InvalidOperationException>(() => DevSigningKey.LoadOrCreate(Data));
    }

    [Fact]
    public void Key_files_others_can_read_are_refused_with_the_fix()
    {
        DevCertificate.LoadOrCreate(Data, Names);
        DevSigningKey.LoadOrCreate(Data).Dispose();
        foreach (var file in new[] { "tls.pfx", DevSigningKey.FileName })
            File.SetUnixFileMode(Path.Combine(Data, file), (UnixFileMode)0b110_100_100); // 0644
        var e = Assert.Throws<InvalidOperationException>(() => DevCertificate.LoadOrCreate(Data, Names));
        Assert.Contains("chmod 600", e.Message);
        Assert.Throws<InvalidOperationException>(() => DevSigningKey.LoadOrCreate(Data));
    }

    [Fact]
    public void A_CA_certificate_left_by_an_older_version_is_replaced_by_a_leaf()
    {
        var first = DevCertificate.LoadOrCreate(Data, Names);
        // Simulate the old CA:true certificate in place of the leaf.
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=HsmVault local", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in Names) san.AddDnsName(n);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        HsmVault.Storage.PrivateFolder.WritePrivate(Path.Combine(Data, "tls.pfx"), ca.Export(X509ContentType.Pkcs12));
        var second = DevCertificate.LoadOrCreate(Data, Names);
        Assert.NotEqual(ca.Thumbprint, second.Certificate.Thumbprint);
        Assert.NotEqual(first.Certificate.Thumbprint, second.Certificate.Thumbprint);
        Assert.False(second.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
