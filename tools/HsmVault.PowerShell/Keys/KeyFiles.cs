using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Keys;

/// <summary>
/// Reads a key file for import as Add-AzKeyVaultKey does: a PFX/P12 or PEM private key (RSA or EC), a JSON Web Key, or a
/// .byok blob (key_hsm, unwrapped inside the HSM under the vault's KEK). The private parts go to the vault in the request body only.
/// </summary>
public static class KeyFiles
{
    public static JsonObject ReadJwk(string path, SecureString? password, string byokKeyType)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".pfx" or ".p12" => FromPfx(path, password),
            ".pem" or ".key" => FromPem(File.ReadAllText(path), password),
            ".json" or ".jwk" => FromJwkFile(path),
            ".byok" => new JsonObject { ["kty"] = byokKeyType, ["key_hsm"] = Base64Url.Encode(File.ReadAllBytes(path)) },
            _ => throw new ArgumentException($"'{extension}' is not a key file this cmdlet reads: use .pfx, .p12, .pem, .key, .json, .jwk or .byok."),
        };
    }

    private static JsonObject FromPfx(string path, SecureString? password)
    {
        using var cert = X509CertificateLoader.LoadPkcs12FromFile(path, Plain(password), X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
        if (cert.GetRSAPrivateKey() is { } rsa) using (rsa) return FromRsa(rsa);
        if (cert.GetECDsaPrivateKey() is { } ec) using (ec) return FromEc(ec);
        throw new ArgumentException("The PFX holds no RSA or EC private key.");
    }

    private static JsonObject FromPem(string pem, SecureString? password)
    {
        var label = pem.Contains("BEGIN EC PRIVATE KEY", StringComparison.Ordinal) ? "EC" : pem.Contains("BEGIN RSA PRIVATE KEY", StringComparison.Ordinal) ? "RSA" : "PKCS8";
        var secret = Plain(password);
        if (label != "EC")
        {
            using var rsa = RSA.Create();
            if (TryImport(() => Import(rsa, pem, secret))) return FromRsa(rsa);
        }
        using var ec = ECDsa.Create();
        if (TryImport(() => Import(ec, pem, secret))) return FromEc(ec);
        throw new ArgumentException(password is null && pem.Contains("ENCRYPTED", StringComparison.Ordinal)
            ? "The PEM key is encrypted: give -KeyFilePassword."
            : "The PEM file holds no RSA or EC private key this cmdlet can read (or the password is wrong).");
    }

    private static void Import(AsymmetricAlgorithm key, string pem, string? password)
    {
        if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal)) key.ImportFromEncryptedPem(pem, password ?? "");
        else key.ImportFromPem(pem);
    }

    private static bool TryImport(Action import)
    {
        try { import(); return true; }
        catch (Exception e) when (e is CryptographicException or ArgumentException) { return false; }
    }

    private static JsonObject FromJwkFile(string path)
    {
        var jwk = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ArgumentException("The JSON file is not a JSON Web Key object.");
        jwk.Remove("kid");
        return jwk;
    }

    private static JsonObject FromRsa(RSA rsa)
    {
        var p = rsa.ExportParameters(includePrivateParameters: true);
        try
        {
            return new JsonObject
            {
                ["kty"] = "RSA-HSM", ["n"] = B(p.Modulus), ["e"] = B(p.Exponent), ["d"] = B(p.D), ["p"] = B(p.P), ["q"] = B(p.Q),
                ["dp"] = B(p.DP), ["dq"] = B(p.DQ), ["qi"] = B(p.InverseQ),
            };
        }
        finally
        {
            foreach (var part in new[] { p.D, p.P, p.Q, p.DP, p.DQ, p.InverseQ }) CryptographicOperations.ZeroMemory(part);
        }
    }

    private static JsonObject FromEc(ECDsa ec)
    {
        var p = ec.ExportParameters(includePrivateParameters: true);
        try
        {
            var crv = p.Curve.Oid.FriendlyName switch
            {
                "nistP256" or "ECDSA_P256" => "P-256",
                "nistP384" or "ECDSA_P384" => "P-384",
                "nistP521" or "ECDSA_P521" => "P-521",
                "secP256k1" => "P-256K",
                var other => throw new ArgumentException($"Curve '{other ?? p.Curve.Oid.Value}' is not supported; use P-256, P-384, P-521 or P-256K."),
            };
            return new JsonObject { ["kty"] = "EC-HSM", ["crv"] = crv, ["x"] = B(p.Q.X), ["y"] = B(p.Q.Y), ["d"] = B(p.D) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p.D);
        }
    }

    /// <summary>The public key of a JSON Web Key as a PEM SubjectPublicKeyInfo (Get-HsmVaultKey -OutFile).</summary>
    public static string PublicPem(PSHsmVaultJsonWebKey jwk)
    {
        var kty = jwk.Kty;
        if (kty.StartsWith("RSA", StringComparison.Ordinal))
        {
            using var rsa = RSA.Create(new RSAParameters { Modulus = D(jwk.N), Exponent = D(jwk.E) });
            return rsa.ExportSubjectPublicKeyInfoPem();
        }
        if (kty.StartsWith("EC", StringComparison.Ordinal))
        {
            var curve = jwk.Crv switch
            {
                "P-256" => ECCurve.NamedCurves.nistP256,
                "P-384" => ECCurve.NamedCurves.nistP384,
                "P-521" => ECCurve.NamedCurves.nistP521,
                "P-256K" => ECCurve.CreateFromFriendlyName("secP256k1"),
                var other => throw new ArgumentException($"Curve '{other}' cannot be written as PEM."),
            };
            using var ec = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = D(jwk.X), Y = D(jwk.Y) } });
            return ec.ExportSubjectPublicKeyInfoPem();
        }
        throw new ArgumentException($"A {kty} key has no public part to write.");
    }

    private static string? B(byte[]? bytes) => bytes is null ? null : Base64Url.Encode(bytes);

    private static byte[] D(string? part) => Base64Url.Decode(part ?? throw new ArgumentException("The key lacks a public part."));

    private static string? Plain(SecureString? s) => s is null ? null : new NetworkCredential("", s).Password;
}
