using System.Numerics;

namespace HsmVault.Hsm;

/// <summary>
/// Checks imported RSA private key material before it reaches the token: n = p·q with p and q probable primes,
/// e odd with 3 ≤ e &lt; 2^32, and d, dp, dq, qi consistent. A broken key would otherwise fail inside the HSM on every
/// use, which looks like an HSM fault.
/// </summary>
internal static class RsaKeyCheck
{
    // A few rounds: this guards the HSM against malformed keys, not the caller against their own weak one.
    private const int MillerRabinRounds = 4;

    public static void Validate(RsaPrivateKeyMaterial k)
    {
        BigInteger n = U(k.Modulus), e = U(k.Exponent), d = U(k.D), p = U(k.P), q = U(k.Q), dp = U(k.DP), dq = U(k.DQ), qi = U(k.QI);
        if (e < 3 || e.IsEven || e >= BigInteger.One << 32) Fail("e must be odd and between 3 and 2^32");
        if (p <= 1 || q <= 1 || p * q != n) Fail("n is not the product of p and q");
        if (p == q) Fail("p and q are equal");
        if (!ProbablePrime(p) || !ProbablePrime(q)) Fail("p or q is not prime");
        BigInteger p1 = p - 1, q1 = q - 1;
        if (dp != d % p1 || dq != d % q1) Fail("dp or dq does not match d");
        if ((e * dp) % p1 != 1 || (e * dq) % q1 != 1) Fail("d is not the inverse of e");
        if (d <= 1 || d >= n) Fail("d is out of range");
        if ((qi * q) % p != 1 || qi >= p) Fail("qi is not the inverse of q modulo p");
    }

    private static BigInteger U(byte[] bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    private static void Fail(string why) => throw new HsmException(HsmErrorKind.InvalidInput, $"The RSA key is not valid: {why}.");

    /// <summary>Miller–Rabin with random bases; small primes first.</summary>
    private static bool ProbablePrime(BigInteger m)
    {
        foreach (int sp in new[] { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 })
        {
            if (m == sp) return true;
            if (m % sp == 0) return false;
        }
        var r = m - 1;
        int s = 0;
        while (r.IsEven) { r >>= 1; s++; }
        var bytes = m.GetByteCount(isUnsigned: true);
        for (int i = 0; i < MillerRabinRounds; i++)
        {
            BigInteger a;
            do a = new BigInteger(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes), isUnsigned: true) % m;
            while (a < 2 || a > m - 2);
            var x = BigInteger.ModPow(a, r, m);
            if (x.IsOne || x == m - 1) continue;
            var composite = true;
            for (int j = 1; j < s && composite; j++)
            {
                x = BigInteger.ModPow(x, 2, m);
                if (x == m - 1) composite = false;
            }
            if (composite) return false;
        }
        return true;
    }
}
