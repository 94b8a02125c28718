using System.Collections;
using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>A key as lists show it (Az.KeyVault's PSKeyVaultKeyIdentityItem): no key material, no public parts.</summary>
public class PSHsmVaultKeyIdentityItem
{
    public string VaultName { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Version { get; init; }
    public string Id { get; init; } = "";
    public bool Enabled { get; init; }
    public DateTime? Expires { get; init; }
    public DateTime? NotBefore { get; init; }
    public DateTime? Created { get; init; }
    public DateTime? Updated { get; init; }
    public string? RecoveryLevel { get; init; }
    public bool Managed { get; init; }
    public Hashtable Tags { get; init; } = new();

    public static PSHsmVaultKeyIdentityItem From(string vaultName, JsonNode item)
    {
        var (name, version) = Wire.NameAndVersion(item["kid"]!.GetValue<string>());
        var a = item["attributes"];
        return new PSHsmVaultKeyIdentityItem
        {
            VaultName = vaultName, Name = name, Version = version, Id = item["kid"]!.GetValue<string>(),
            Enabled = Wire.Bool(a?["enabled"]) ?? true, Expires = Wire.Time(a?["exp"]), NotBefore = Wire.Time(a?["nbf"]),
            Created = Wire.Time(a?["created"]), Updated = Wire.Time(a?["updated"]), RecoveryLevel = Wire.Text(a?["recoveryLevel"]),
            Managed = Wire.Bool(item["managed"]) ?? false, Tags = Wire.Tags(item["tags"]),
        };
    }
}

/// <summary>One key version with its public parts (Az.KeyVault's PSKeyVaultKey). Private parts never leave the HSM.</summary>
public sealed class PSHsmVaultKey : PSHsmVaultKeyIdentityItem
{
    public string KeyType { get; init; } = "";
    public int? KeySize { get; init; }
    public string? CurveName { get; init; }
    public string[] KeyOps { get; init; } = [];
    public PSHsmVaultJsonWebKey Key { get; init; } = new();

    public static PSHsmVaultKey FromBundle(string vaultName, JsonNode bundle)
    {
        var jwk = bundle["key"]!.AsObject();
        var item = new JsonObject
        {
            ["kid"] = jwk["kid"]!.GetValue<string>(), ["attributes"] = bundle["attributes"]?.DeepClone(),
            ["tags"] = bundle["tags"]?.DeepClone(), ["managed"] = bundle["managed"]?.DeepClone(),
        };
        var head = PSHsmVaultKeyIdentityItem.From(vaultName, item);
        var n = Wire.Text(jwk["n"]);
        return new PSHsmVaultKey
        {
            VaultName = head.VaultName, Name = head.Name, Version = head.Version, Id = head.Id, Enabled = head.Enabled,
            Expires = head.Expires, NotBefore = head.NotBefore, Created = head.Created, Updated = head.Updated,
            RecoveryLevel = head.RecoveryLevel, Managed = head.Managed, Tags = head.Tags,
            KeyType = Wire.Text(jwk["kty"]) ?? "",
            KeySize = n is null ? null : Base64Url.Decode(n).SkipWhile(b => b == 0).Count() * 8,
            CurveName = Wire.Text(jwk["crv"]),
            KeyOps = Wire.Strings(jwk["key_ops"]),
            Key = PSHsmVaultJsonWebKey.From(jwk),
        };
    }
}
