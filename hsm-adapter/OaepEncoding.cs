using System.Security.Cryptography;

namespace HsmVault.Hsm;

/// <summary>
/// EME-OAEP (RFC 8017 7.1) with SHA-256 and MGF1-SHA-256, empty label, for tokens whose CKM_RSA_PKCS_OAEP is SHA-1 only.
/// The raw RSA step stays in the HSM (CKM_RSA_X_509); only padding is done here.
/// </summary>
internal static class OaepEncoding
{
    private const int HLen = 32;
    private static readonly byte[] LHash = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static int MaxMessageLength(int k) => k - 2 * HLen - 2;

    public static byte[] Encode(ReadOnlySpan<byte> message, int k)
    {
        if (message.Length > MaxMessageLength(k))
            throw new HsmException(HsmErrorKind.InvalidInput, "Plaintext too long for RSA-OAEP-256 with this key");
        var em = new byte[k];
        var seed = em.AsSpan(1, HLen);
        var db = em.AsSpan(1 + HLen);
        LHash.CopyTo(db);
        db[db.Length - message.Length - 1] = 0x01;
        message.CopyTo(db[(db.Length - message.Length)..]);
        RandomNumberGenerator.Fill(seed);
        XorMgf1(seed, db);
        XorMgf1(db, seed);
        return em;
    }

    /// <summary>
    /// Decodes in constant time with respect to the padding contents: every check runs, errors are accumulated,
    /// and a failure is one generic error, so the result cannot serve as a padding oracle.
    /// </summary>
    public static byte[] Decode(ReadOnlySpan<byte> rawResult, int k)
    {
        if (k < 2 * HLen + 2) throw Invalid();
        // Raw RSA output may come back without leading zero bytes.
        var em = new byte[k];
        if (rawResult.Length > k) throw Invalid();
        rawResult.CopyTo(em.AsSpan(k - rawResult.Length));
        try
        {
            var seed = em.AsSpan(1, HLen);
            var db = em.AsSpan(1 + HLen);
            XorMgf1(db, seed);
            XorMgf1(seed, db);

            int bad = ((0 - em[0]) >> 31) & 1;
            bad |= CryptographicOperations.FixedTimeEquals(db[..HLen], LHash) ? 0 : 1;

            int found = 0, index = 0;
            for (int i = HLen; i < db.Length; i++)
            {
                int b = db[i];
                int isOne = (((b ^ 1) - 1) >> 31) & 1;
                int isZero = ((b - 1) >> 31) & 1;
                int notFound = found ^ 1;
                index |= -(notFound & isOne) & i;
                bad |= notFound & (isZero ^ 1) & (isOne ^ 1);
                found |= isOne;
            }
            bad |= found ^ 1;
            if (bad != 0) throw Invalid();
            return db[(index + 1)..].ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(em);
        }
    }

    private static HsmException Invalid() => new(HsmErrorKind.InvalidInput, "RSA decryption failed");

    /// <summary>target ^= MGF1-SHA256(seed, target.Length).</summary>
    private static void XorMgf1(ReadOnlySpan<byte> seed, Span<byte> target)
    {
        Span<byte> input = stackalloc byte[seed.Length + 4];
        Span<byte> block = stackalloc byte[HLen];
        seed.CopyTo(input);
        for (int counter = 0, done = 0; done < target.Length; counter++, done += HLen)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input[seed.Length..], counter);
            SHA256.HashData(input, block);
            int n = Math.Min(HLen, target.Length - done);
            for (int i = 0; i < n; i++) target[done + i] ^= block[i];
        }
        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(block);
    }
}
