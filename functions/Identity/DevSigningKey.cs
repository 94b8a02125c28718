using System.Security.Cryptography;
using HsmVault.Storage;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Identity;

/// <summary>
/// The development identity provider's RSA-2048 signing key, persisted as PKCS#8 PEM (mode 0600) in a data
/// directory and created on first use. <see cref="KeyId"/> is the base64url RFC 7638 SHA-256 JWK thumbprint.
/// </summary>
public sealed class DevSigningKey : IDisposable
{
    public const string FileName = "dev-identity-signing-key.pem";

    private readonly RSA _rsa;

    private DevSigningKey(RSA rsa)
    {
        _rsa = rsa;
        var parameters = rsa.ExportParameters(false);
        Modulus = Base64UrlEncoder.Encode(parameters.Modulus);
        Exponent = Base64UrlEncoder.Encode(parameters.Exponent);
        KeyId = ComputeThumbprint(Modulus, Exponent);
        SecurityKey = new RsaSecurityKey(rsa) { KeyId = KeyId };
        SigningCredentials = new SigningCredentials(SecurityKey, SecurityAlgorithms.RsaSha256);
    }

    public string KeyId { get; }

    /// <summary>base64url modulus (JWK "n").</summary>
    public string Modulus { get; }

    /// <summary>base64url public exponent (JWK "e").</summary>
    public string Exponent { get; }

    public RsaSecurityKey SecurityKey { get; }

    public SigningCredentials SigningCredentials { get; }

    /// <summary>The public key as SubjectPublicKeyInfo DER.</summary>
    public byte[] ExportPublicKey() => _rsa.ExportSubjectPublicKeyInfo();

    public static DevSigningKey LoadOrCreate(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var directory = PrivateFolder.Ensure(dataDirectory);
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            TryCreate(path);
        PrivateFolder.DemandPrivate(path);
        return Load(path);
    }

    private static void TryCreate(string path)
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();

        // Write to a private temp file, then move into place without overwriting: if another process won the race,
        // its key is kept and ours discarded.
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = PrivateFolder.OwnerOnlyFile;
        try
        {
            using (var writer = new StreamWriter(new FileStream(temp, options)))
                writer.Write(pem);
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static DevSigningKey Load(string path)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            if (rsa.KeySize < 2048)
                throw new InvalidOperationException($"The development signing key in {path} is shorter than 2048 bits; delete it to create a new one.");
            return new DevSigningKey(rsa);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>RFC 7638 thumbprint: SHA-256 over {"e","kty","n"} in lexicographic order, no whitespace.</summary>
    private static string ComputeThumbprint(string n, string e)
    {
        var canonical = $"{{\"e\":\"{e}\",\"kty\":\"RSA\",\"n\":\"{n}\"}}";
        return Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));
    }

    public void Dispose() => _rsa.Dispose();
}
