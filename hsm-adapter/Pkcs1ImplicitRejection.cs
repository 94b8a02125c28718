using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HsmVault.Hsm;

/// <summary>
/// RSAES-PKCS1-v1_5 decoding with implicit rejection (as in draft-irtf-cfrg-rsa-guidance and OpenSSL 3.2): an encryption
/// block with invalid padding yields a synthetic message derived from a key-derivation key (an HMAC of the ciphertext
/// under the key's secret, computed in the HSM) instead of an error. Valid and invalid blocks take the same code path with
/// no branch on the padding, so neither the status nor the timing tells them apart (no Bleichenbacher oracle).
/// </summary>
internal static class Pkcs1ImplicitRejection
{
    private const int Candidates = 128;

    /// <param name="em">The raw RSA result (k bytes, leading zeros kept).</param>
    /// <param name="kdk">32 pseudo-random bytes that depend only on the key's secret and the ciphertext.</param>
    public static byte[] Decode(ReadOnlySpan<byte> em, byte[] kdk)
    {
        int k = em.Length;
        int maxLength = k - 11;
        var synthetic = Prf(kdk, "message", k);
        var lengths = Prf(kdk, "length", Candidates * 2);
        try
        {
            // The synthetic length: the last candidate, masked to maxLength's bit width, that is at most maxLength.
            int mask = (int)(uint.MaxValue >> BitOperationsLeadingZeros((uint)maxLength));
            int syntheticLength = 0;
            for (int i = 0; i < Candidates; i++)
            {
                int candidate = BinaryPrimitives.ReadUInt16BigEndian(lengths.AsSpan(2 * i)) & mask;
                syntheticLength = Select(LessOrEqual(candidate, maxLength), candidate, syntheticLength);
            }

            // EM = 0x00 || 0x02 || PS (at least 8 non-zero bytes) || 0x00 || M
            int good = Equal(em[0], 0) & Equal(em[1], 2);
            int found = 0, separator = 0;
            for (int i = 2; i < k; i++)
            {
                int isZero = Equal(em[i], 0);
                separator = Select(isZero & (found ^ 1), i, separator);
                found |= isZero;
            }
            good &= found & LessOrEqual(10, separator);
            int length = Select(good, k - separator - 1, syntheticLength);

            var merged = new byte[k];
            for (int i = 0; i < k; i++) merged[i] = (byte)Select(good, em[i], synthetic[i]);
            var message = merged[(k - length)..];
            CryptographicOperations.ZeroMemory(merged);
            return message;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(synthetic);
        }
    }

    /// <summary>HMAC-SHA256 in counter mode: HMAC(kdk, i || label || bits) for i = 0, 1, … until <paramref name="bytes"/> bytes.</summary>
    private static byte[] Prf(byte[] kdk, string label, int bytes)
    {
        var output = new byte[(bytes + 31) / 32 * 32];
        var input = new byte[2 + label.Length + 2];
        Encoding.ASCII.GetBytes(label, input.AsSpan(2));
        BinaryPrimitives.WriteUInt16BigEndian(input.AsSpan(2 + label.Length), (ushort)(bytes * 8));
        for (int i = 0; i * 32 < bytes; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(input, (ushort)i);
            HMACSHA256.HashData(kdk, input, output.AsSpan(32 * i));
        }
        return output;
    }

    private static int BitOperationsLeadingZeros(uint v) => System.Numerics.BitOperations.LeadingZeroCount(v);

    // Branch-free helpers on small non-negative ints (< 2^30): 1 for true, 0 for false.
    private static int Equal(int a, int b) => (int)(((uint)(a ^ b) - 1) >> 31);
    private static int LessOrEqual(int a, int b) => (int)(((uint)(b - a) >> 31) ^ 1);
    private static int Select(int bit, int ifOne, int ifZero) => ifZero ^ ((ifOne ^ ifZero) & -bit);
}
