namespace HsmVault.Hsm;

/// <summary>Named-curve OIDs (DER, as CKA_EC_PARAMS) and the CKA_EC_POINT encoding.</summary>
internal static class EcCurves
{
    private static readonly byte[] P256 = Convert.FromHexString("06082a8648ce3d030107");
    private static readonly byte[] P384 = Convert.FromHexString("06052b81040022");
    private static readonly byte[] P521 = Convert.FromHexString("06052b81040023");
    private static readonly byte[] K256 = Convert.FromHexString("06052b8104000a");

    public static byte[] OidDer(HsmCurve curve) => curve switch
    {
        HsmCurve.P256 => P256,
        HsmCurve.P384 => P384,
        HsmCurve.P521 => P521,
        HsmCurve.Secp256k1 => K256,
        _ => throw new HsmException(HsmErrorKind.InvalidInput, "Unknown curve"),
    };

    public static HsmCurve? FromOidDer(ReadOnlySpan<byte> der)
    {
        foreach (var c in new[] { HsmCurve.P256, HsmCurve.P384, HsmCurve.P521, HsmCurve.Secp256k1 })
            if (der.SequenceEqual(OidDer(c))) return c;
        return null;
    }

    public static int FieldBytes(HsmCurve curve) => curve switch
    {
        HsmCurve.P384 => 48,
        HsmCurve.P521 => 66,
        _ => 32,
    };

    /// <summary>Digest length ECDSA accepts for keys on this curve (ES256/ES384/ES512/ES256K).</summary>
    public static int DigestBytes(HsmCurve curve) => curve switch
    {
        HsmCurve.P384 => 48,
        HsmCurve.P521 => 64,
        _ => 32,
    };

    /// <summary>DER OCTET STRING wrapping 04||X||Y, coordinates left-padded to the field size.</summary>
    public static byte[] EncodePoint(HsmCurve curve, byte[] x, byte[] y)
    {
        int n = FieldBytes(curve);
        var point = new byte[1 + 2 * n];
        point[0] = 0x04;
        PadInto(x, point.AsSpan(1, n));
        PadInto(y, point.AsSpan(1 + n, n));
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteOctetString(point);
        return writer.Encode();
    }

    public static (byte[] X, byte[] Y) DecodePoint(HsmCurve curve, byte[] ecPoint)
    {
        int n = FieldBytes(curve);
        byte[] raw = ecPoint;
        // Tokens should return a DER OCTET STRING; some return the bare point.
        if (ecPoint.Length != 1 + 2 * n)
        {
            try
            {
                raw = System.Formats.Asn1.AsnDecoder.ReadOctetString(ecPoint, System.Formats.Asn1.AsnEncodingRules.BER, out _);
            }
            catch (System.Formats.Asn1.AsnContentException e)
            {
                throw new HsmException(HsmErrorKind.Unavailable, "Token returned a malformed EC point", e);
            }
        }
        if (raw.Length != 1 + 2 * n || raw[0] != 0x04)
            throw new HsmException(HsmErrorKind.Unavailable, "Token returned an unexpected EC point encoding");
        return (raw[1..(1 + n)], raw[(1 + n)..]);
    }

    /// <summary>Left-pads a big-endian integer to a fixed size (throws if it does not fit).</summary>
    public static void PadInto(ReadOnlySpan<byte> value, Span<byte> dest)
    {
        int skip = 0;
        while (skip < value.Length && value.Length - skip > dest.Length && value[skip] == 0) skip++;
        value = value[skip..];
        if (value.Length > dest.Length) throw new HsmException(HsmErrorKind.InvalidInput, "EC coordinate longer than the curve size");
        dest.Clear();
        value.CopyTo(dest[(dest.Length - value.Length)..]);
    }

    /// <summary>
    /// Rejects an EC private key whose d is out of range or does not match (X, Y) before it becomes a token object;
    /// tokens such as SoftHSM accept inconsistent material silently.
    /// </summary>
    public static void Validate(HsmCurve curve, byte[] d, byte[] x, byte[] y)
    {
        var curveParams = curve switch
        {
            HsmCurve.P256 => System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            HsmCurve.P384 => System.Security.Cryptography.ECCurve.NamedCurves.nistP384,
            HsmCurve.P521 => System.Security.Cryptography.ECCurve.NamedCurves.nistP521,
            _ => System.Security.Cryptography.ECCurve.CreateFromValue("1.3.132.0.10"),
        };
        int n = FieldBytes(curve);
        byte[] px = new byte[n], py = new byte[n];
        PadInto(x, px);
        PadInto(y, py);
        try
        {
            using var ec = System.Security.Cryptography.ECDsa.Create();
            ec.ImportParameters(new System.Security.Cryptography.ECParameters
            {
                Curve = curveParams,
                D = d,
                Q = new System.Security.Cryptography.ECPoint { X = px, Y = py },
            });
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new HsmException(HsmErrorKind.InvalidInput, "EC private key is not a valid key on the given curve");
        }
    }
}
