using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>A key as lists show it (Az.KeyVault's PSKeyVaultKeyIdentityItem): no key material, no public parts.</summary>
public class PSHsmVaultKeyIdentityItem : PSHsmVaultObjectItem
{
    protected PSHsmVaultKeyIdentityItem(string vaultName, JsonNode item, string kid) : base(vaultName, kid, item) { }

    public static PSHsmVaultKeyIdentityItem From(string vaultName, JsonNode item) => new(vaultName, item, item["kid"]!.GetValue<string>());
}

/// <summary>One key version with its public parts (Az.KeyVault's PSKeyVaultKey). Private parts never leave the HSM.</summary>
public sealed class PSHsmVaultKey : PSHsmVaultKeyIdentityItem
{
    private PSHsmVaultKey(string vaultName, JsonNode bundle, JsonNode jwk) : base(vaultName, bundle, jwk["kid"]!.GetValue<string>())
    {
        var n = Wire.Text(jwk["n"]);
        KeyType = Wire.Text(jwk["kty"]) ?? "";
        KeySize = n is null ? null : Base64Url.Decode(n).SkipWhile(b => b == 0).Count() * 8;
        CurveName = Wire.Text(jwk["crv"]);
        KeyOps = Wire.Strings(jwk["key_ops"]);
        Key = PSHsmVaultJsonWebKey.From(jwk);
    }

    public string KeyType { get; }
    public int? KeySize { get; }
    public string? CurveName { get; }
    public string[] KeyOps { get; }
    public PSHsmVaultJsonWebKey Key { get; }

    public static PSHsmVaultKey FromBundle(string vaultName, JsonNode bundle) => new(vaultName, bundle, bundle["key"]!);
}
