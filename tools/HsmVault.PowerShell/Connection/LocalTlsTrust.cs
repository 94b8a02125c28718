using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HsmVault.PowerShell.Connection;

/// <summary>
/// Trusts the certificates of one CA file (the local vault's self-signed certificate) in addition to nothing else,
/// and matches host names as RFC 6125 does: a wildcard stands for exactly one left-most label, so "*.localhost"
/// covers "payments.localhost" (OpenSSL refuses wildcards directly under a one-label name).
/// </summary>
public sealed class LocalTlsTrust
{
    private readonly X509Certificate2Collection _roots;

    public LocalTlsTrust(string caFile)
    {
        _roots = new X509Certificate2Collection();
        _roots.ImportFromPemFile(caFile);
        if (_roots.Count == 0) throw new ArgumentException($"'{caFile}' holds no PEM certificate.");
    }

    public bool Validate(string host, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf) && NameMatches(leaf, host);
    }

    public static bool NameMatches(X509Certificate2 leaf, string host)
    {
        var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames());
        foreach (var name in names)
        {
            if (name.Equals(host, StringComparison.OrdinalIgnoreCase)) return true;
            if (name.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = host.IndexOf('.');
                if (dot > 0 && host[(dot + 1)..].Equals(name[2..], StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }
}
