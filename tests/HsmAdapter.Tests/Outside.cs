using System.Security.Cryptography;

namespace HsmVault.Hsm.Tests;

/// <summary>Builds System.Security.Cryptography objects from what the adapter returns, to check results outside the HSM.</summary>
internal static class Outside
{
    public static RSA Rsa(RsaPublicKey k) => RSA.Create(new RSAParameters { Modulus = k.Modulus, Exponent = k.Exponent });

    public static ECCurve Curve(HsmCurve c) => c switch
    {
        HsmCurve.P256 => ECCurve.NamedCurves.nistP256,
        HsmCurve.P384 => ECCurve.NamedCurves.nistP384,
        HsmCurve.P521 => ECCurve.NamedCurves.nistP521,
        _ => ECCurve.CreateFromValue("1.3.132.0.10"),
    };

    public static ECDsa Ec(EcPublicKey k) =>
        ECDsa.Create(new ECParameters { Curve = Curve(k.Curve), Q = new ECPoint { X = k.X, Y = k.Y } });

    public static HashAlgorithmName Name(HsmHash h) => h switch
    {
        HsmHash.Sha1 => HashAlgorithmName.SHA1,
        HsmHash.Sha256 => HashAlgorithmName.SHA256,
        HsmHash.Sha384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    public static byte[] Digest(HsmHash h, byte[] data) => h switch
    {
        HsmHash.Sha1 => SHA1.HashData(data),
        HsmHash.Sha256 => SHA256.HashData(data),
        HsmHash.Sha384 => SHA384.HashData(data),
        _ => SHA512.HashData(data),
    };

    public static RsaPrivateKeyMaterial Material(RSAParameters p) =>
        new(p.Modulus!, p.Exponent!, p.D!, p.P!, p.Q!, p.DP!, p.DQ!, p.InverseQ!);

    public static byte[] Flip(byte[] data, int index)
    {
        var copy = (byte[])data.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
