using System.Numerics;
using System.Security.Cryptography;

namespace HsmVault.Hsm;

/// <summary>
/// Public-point arithmetic for keys whose private object carries no CKA_EC_POINT (a PKCS#8 key unwrapped into the
/// token): the generator, and the two points with a given x. Curve constants come from the platform's named curves;
/// only public values pass through here.
/// </summary>
internal static class EcPoints
{
    private sealed record Domain(BigInteger P, BigInteger A, BigInteger B, byte[] Gx, byte[] Gy);

    private static readonly Dictionary<HsmCurve, Domain> Domains = new();

    /// <summary>The generator G as an uncompressed point 04||Gx||Gy (ECDH with G as peer yields the public x).</summary>
    public static byte[] Generator(HsmCurve curve)
    {
        var d = DomainOf(curve);
        return [0x04, .. d.Gx, .. d.Gy];
    }

    /// <summary>Both y for which (x, y) is on the curve, as field-size big-endian bytes; empty if x is not on it.</summary>
    public static IReadOnlyList<byte[]> YCandidates(HsmCurve curve, byte[] x)
    {
        var d = DomainOf(curve);
        var xi = new BigInteger(x, isUnsigned: true, isBigEndian: true);
        var rhs = Mod(BigInteger.ModPow(xi, 3, d.P) + d.A * xi + d.B, d.P);
        // Every supported curve has p = 3 (mod 4), so a square root is rhs^((p+1)/4).
        var y = BigInteger.ModPow(rhs, (d.P + 1) / 4, d.P);
        if (BigInteger.ModPow(y, 2, d.P) != rhs) return [];
        int n = EcCurves.FieldBytes(curve);
        return [Fixed(y, n), Fixed(Mod(d.P - y, d.P), n)];
    }

    private static Domain DomainOf(HsmCurve curve)
    {
        lock (Domains)
        {
            if (Domains.TryGetValue(curve, out var known)) return known;
            var named = curve switch
            {
                HsmCurve.P256 => ECCurve.NamedCurves.nistP256,
                HsmCurve.P384 => ECCurve.NamedCurves.nistP384,
                HsmCurve.P521 => ECCurve.NamedCurves.nistP521,
                _ => ECCurve.CreateFromFriendlyName("secp256k1"),
            };
            using var ec = ECDiffieHellman.Create(named);
            var e = ec.ExportExplicitParameters(false).Curve;
            var u = (byte[] b) => new BigInteger(b, isUnsigned: true, isBigEndian: true);
            int n = EcCurves.FieldBytes(curve);
            var d = new Domain(u(e.Prime!), u(e.A!), u(e.B!), Fixed(u(e.G.X!), n), Fixed(u(e.G.Y!), n));
            Domains[curve] = d;
            return d;
        }
    }

    private static BigInteger Mod(BigInteger v, BigInteger p) => ((v % p) + p) % p;

    private static byte[] Fixed(BigInteger v, int n)
    {
        var raw = v.ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = new byte[n];
        raw.CopyTo(result, n - raw.Length);
        return result;
    }
}
