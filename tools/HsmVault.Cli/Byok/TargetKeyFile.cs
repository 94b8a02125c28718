using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace HsmVault.Cli.Byok;

/// <summary>
/// A target key read from a file (PEM, PKCS#8 DER or JWK) as the bytes a transfer wraps: PKCS#8 for RSA and EC, the raw
/// bytes for oct. Only for keys that already exist in a file; a key in an HSM is wrapped inside that HSM instead.
/// </summary>
internal sealed record TargetKey(byte[] Plaintext, string Kty, string? Crv) : IDisposable
{
    public void Dispose() => CryptographicOperations.ZeroMemory(Plaintext);

    public static TargetKey Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(bytes).Trim();
            if (text.StartsWith('{')) return FromJwk(JsonNode.Parse(text) as JsonObject ?? throw new CliException($"{path} is not a JWK."));
            if (text.Contains("-----BEGIN")) return FromPem(text, path);
            return FromPkcs8(bytes, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static TargetKey FromPem(string pem, string path)
    {
        if (pem.Contains("BEGIN RSA PRIVATE KEY")) { using var rsa = RSA.Create(); rsa.ImportFromPem(pem); return Rsa(rsa); }
        if (pem.Contains("BEGIN EC PRIVATE KEY")) { using var ec = ECDsa.Create(); ec.ImportFromPem(pem); return Ec(ec); }
        if (!pem.Contains("BEGIN PRIVATE KEY")) throw new CliException($"{path}: the PEM holds no private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY).");
        var fields = PemEncoding.Find(pem);
        return FromPkcs8(Convert.FromBase64String(pem[fields.Base64Data]), path);
    }

    private static TargetKey FromPkcs8(byte[] der, string path)
    {
        try { using var rsa = RSA.Create(); rsa.ImportPkcs8PrivateKey(der, out _); return Rsa(rsa); }
        catch (CryptographicException) { }
        try { using var ec = ECDsa.Create(); ec.ImportPkcs8PrivateKey(der, out _); return Ec(ec); }
        catch (CryptographicException) { }
        throw new CliException($"{path} holds no RSA or EC private key (PEM, PKCS#8 DER or JWK expected).");
    }

    private static TargetKey FromJwk(JsonObject jwk)
    {
        byte[] F(string name) => Base64Url.Decode(jwk[name]?.ToString() ?? throw new CliException($"The JWK has no '{name}'."), name);
        switch (jwk["kty"]?.ToString())
        {
            case "RSA" or "RSA-HSM":
            {
                using var rsa = RSA.Create(new RSAParameters
                {
                    Modulus = F("n"), Exponent = F("e"), D = F("d"), P = F("p"), Q = F("q"), DP = F("dp"), DQ = F("dq"), InverseQ = F("qi"),
                });
                return Rsa(rsa);
            }
            case "EC" or "EC-HSM":
            {
                var crv = jwk["crv"]?.ToString();
                using var ec = ECDsa.Create(new ECParameters { Curve = CurveOf(crv), D = F("d"), Q = new ECPoint { X = F("x"), Y = F("y") } });
                return Ec(ec);
            }
            case "oct" or "oct-HSM":
                var k = F("k");
                if (k.Length is not (16 or 24 or 32)) throw new CliException("An oct key must be 16, 24 or 32 bytes.");
                return new TargetKey(k, "oct-HSM", null);
            default:
                throw new CliException("The JWK's kty must be RSA, EC or oct.");
        }
    }

    private static TargetKey Rsa(RSA rsa) => new(rsa.ExportPkcs8PrivateKey(), "RSA-HSM", null);

    private static TargetKey Ec(ECDsa ec)
    {
        var oid = ec.ExportParameters(false).Curve.Oid?.Value;
        var crv = oid switch
        {
            "1.2.840.10045.3.1.7" => "P-256",
            "1.3.132.0.34" => "P-384",
            "1.3.132.0.35" => "P-521",
            "1.3.132.0.10" => "P-256K",
            _ => throw new CliException($"EC curve {oid} is not supported; use P-256, P-384, P-521 or P-256K."),
        };
        return new TargetKey(ec.ExportPkcs8PrivateKey(), "EC-HSM", crv);
    }

    private static ECCurve CurveOf(string? crv) => crv switch
    {
        "P-256" => ECCurve.NamedCurves.nistP256,
        "P-384" => ECCurve.NamedCurves.nistP384,
        "P-521" => ECCurve.NamedCurves.nistP521,
        "P-256K" or "secp256k1" => ECCurve.CreateFromValue("1.3.132.0.10"),
        _ => throw new CliException($"The JWK's crv '{crv}' is not supported; use P-256, P-384, P-521 or P-256K."),
    };
}
