using HsmVault.Hsm;
using HsmVault.Objects;

namespace HsmVault.Keys;

/// <summary>Turns an imported JWK's private parts into HSM import material, checking every field is present and sized.</summary>
public static class JwkImport
{
    public static RsaPrivateKeyMaterial Rsa(JsonWebKey k)
    {
        var n = Unsigned(WireBytes.Decode(k.N, "key.n"));
        var half = (n.Length + 1) / 2;
        var material = new RsaPrivateKeyMaterial(
            n, Unsigned(WireBytes.Decode(k.E, "key.e")), Pad(WireBytes.Decode(k.D, "key.d"), n.Length, "key.d"),
            Pad(WireBytes.Decode(k.P, "key.p"), half, "key.p"), Pad(WireBytes.Decode(k.Q, "key.q"), half, "key.q"),
            Pad(WireBytes.Decode(k.DP, "key.dp"), half, "key.dp"), Pad(WireBytes.Decode(k.DQ, "key.dq"), half, "key.dq"),
            Pad(WireBytes.Decode(k.QI, "key.qi"), half, "key.qi"));
        return material;
    }

    public static EcPrivateKeyMaterial Ec(JsonWebKey k)
    {
        var curve = KeyTypes.CurveOf(k.Crv);
        var size = KeyTypes.FieldBytes(curve);
        return new EcPrivateKeyMaterial(curve,
            Pad(WireBytes.Decode(k.D, "key.d"), size, "key.d"),
            Exact(WireBytes.Decode(k.X, "key.x"), size, "key.x"),
            Exact(WireBytes.Decode(k.Y, "key.y"), size, "key.y"));
    }

    private static byte[] Unsigned(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0) start++;
        return value[start..];
    }

    private static byte[] Pad(byte[] value, int size, string field)
    {
        var v = Unsigned(value);
        if (v.Length > size) throw VaultException.BadParameter($"Property '{field}' is too long for this key.");
        var padded = new byte[size];
        v.CopyTo(padded, size - v.Length);
        return padded;
    }

    private static byte[] Exact(byte[] value, int size, string field) =>
        value.Length == size ? value : throw VaultException.BadParameter($"Property '{field}' must be {size} bytes for this curve.");
}
