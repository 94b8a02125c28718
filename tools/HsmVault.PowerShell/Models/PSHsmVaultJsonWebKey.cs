using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>The public JSON Web Key of a key version (base64url strings as on the wire); private parts never leave the HSM.</summary>
public sealed class PSHsmVaultJsonWebKey
{
    public string Kid { get; init; } = "";
    public string Kty { get; init; } = "";
    public string[] KeyOps { get; init; } = [];
    public string? N { get; init; }
    public string? E { get; init; }
    public string? Crv { get; init; }
    public string? X { get; init; }
    public string? Y { get; init; }

    public static PSHsmVaultJsonWebKey From(JsonNode jwk) => new()
    {
        Kid = Wire.Text(jwk["kid"]) ?? "", Kty = Wire.Text(jwk["kty"]) ?? "", KeyOps = Wire.Strings(jwk["key_ops"]),
        N = Wire.Text(jwk["n"]), E = Wire.Text(jwk["e"]), Crv = Wire.Text(jwk["crv"]), X = Wire.Text(jwk["x"]), Y = Wire.Text(jwk["y"]),
    };

    public override string ToString() => Kid;
}
