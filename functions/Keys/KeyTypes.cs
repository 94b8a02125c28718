using HsmVault.Hsm;
using HsmVault.Objects;

namespace HsmVault.Keys;

public enum KeyFamily { Rsa, Ec, Oct }

/// <summary>Key types, curves, sizes and key_ops as Key Vault names them, and their HSM counterparts.</summary>
public static class KeyTypes
{
    public static readonly IReadOnlyList<string> AllOps = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export"];

    public static KeyFamily FamilyOf(string? kty) => kty switch
    {
        "RSA" or "RSA-HSM" => KeyFamily.Rsa,
        "EC" or "EC-HSM" => KeyFamily.Ec,
        "oct" or "oct-HSM" => KeyFamily.Oct,
        null => throw VaultException.BadParameter("Property 'kty' is required."),
        _ => throw VaultException.BadParameter($"Key type '{ObjectNames.Short(kty)}' is not supported. Use RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM."),
    };

    public static IReadOnlyList<string> DefaultOps(KeyFamily family) => family switch
    {
        KeyFamily.Rsa => ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"],
        KeyFamily.Ec => ["sign", "verify"],
        _ => ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
    };

    /// <summary>Validates key_ops for a key family and returns them in canonical spelling.</summary>
    public static IReadOnlyList<string> ValidateOps(IEnumerable<string>? ops, KeyFamily family)
    {
        if (ops is null) return DefaultOps(family);
        var result = new List<string>();
        foreach (var op in ops)
        {
            if (op is null) throw VaultException.BadParameter("key_ops must not contain null.");
            var known = AllOps.FirstOrDefault(k => k.Equals(op, StringComparison.OrdinalIgnoreCase))
                ?? throw VaultException.BadParameter($"Key operation '{ObjectNames.Short(op)}' is not valid. Valid: {string.Join(", ", AllOps)}.");
            if (family == KeyFamily.Ec && known is "encrypt" or "decrypt" or "wrapKey" or "unwrapKey")
                throw VaultException.BadParameter($"Key operation '{known}' is not valid for an EC key.");
            if (family == KeyFamily.Oct && known is "sign" or "verify")
                throw VaultException.BadParameter($"Key operation '{known}' is not valid for an oct key.");
            if (!result.Contains(known)) result.Add(known);
        }
        return result;
    }

    public static HsmKeyUsage UsageOf(IEnumerable<string> ops)
    {
        var usage = HsmKeyUsage.None;
        foreach (var op in ops)
            usage |= op switch
            {
                "encrypt" => HsmKeyUsage.Encrypt,
                "decrypt" => HsmKeyUsage.Decrypt,
                "sign" => HsmKeyUsage.Sign,
                "verify" => HsmKeyUsage.Verify,
                "wrapKey" => HsmKeyUsage.Wrap,
                "unwrapKey" => HsmKeyUsage.Unwrap,
                _ => HsmKeyUsage.None,
            };
        return usage;
    }

    public static HsmCurve CurveOf(string? crv) => crv switch
    {
        "P-256" => HsmCurve.P256,
        "P-384" => HsmCurve.P384,
        "P-521" => HsmCurve.P521,
        "P-256K" or "SECP256K1" => HsmCurve.Secp256k1,
        null => throw VaultException.BadParameter("Property 'crv' is required for EC keys."),
        _ => throw VaultException.BadParameter($"Curve '{ObjectNames.Short(crv)}' is not supported. Use P-256, P-384, P-521 or P-256K."),
    };

    public static string NameOf(HsmCurve curve) => curve switch
    {
        HsmCurve.P256 => "P-256",
        HsmCurve.P384 => "P-384",
        HsmCurve.P521 => "P-521",
        _ => "P-256K",
    };

    public static int FieldBytes(HsmCurve curve) => curve switch
    {
        HsmCurve.P384 => 48,
        HsmCurve.P521 => 66,
        _ => 32,
    };

    public static void ValidateRsaSize(int bits)
    {
        if (bits is not (2048 or 3072 or 4096))
            throw VaultException.BadParameter($"RSA key size {bits} is not supported. Use 2048, 3072 or 4096.");
    }

    public static void ValidateOctSize(int bits)
    {
        if (bits is not (128 or 192 or 256))
            throw VaultException.BadParameter($"oct key size {bits} is not supported. Use 128, 192 or 256.");
    }
}
