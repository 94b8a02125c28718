using System.Collections;
using System.Security;
using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>A secret as lists show it (Az.KeyVault's PSKeyVaultSecretIdentityItem): never a value.</summary>
public class PSHsmVaultSecretIdentityItem
{
    public PSHsmVaultSecretIdentityItem() { }

    protected PSHsmVaultSecretIdentityItem(PSHsmVaultSecretIdentityItem head)
    {
        VaultName = head.VaultName; Name = head.Name; Version = head.Version; Id = head.Id; Enabled = head.Enabled;
        Expires = head.Expires; NotBefore = head.NotBefore; Created = head.Created; Updated = head.Updated;
        ContentType = head.ContentType; RecoveryLevel = head.RecoveryLevel; Managed = head.Managed; Tags = head.Tags;
    }

    public string VaultName { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Version { get; init; }
    public string Id { get; init; } = "";
    public bool Enabled { get; init; }
    public DateTime? Expires { get; init; }
    public DateTime? NotBefore { get; init; }
    public DateTime? Created { get; init; }
    public DateTime? Updated { get; init; }
    public string? ContentType { get; init; }
    public string? RecoveryLevel { get; init; }
    public bool Managed { get; init; }
    public Hashtable Tags { get; init; } = new();

    public static PSHsmVaultSecretIdentityItem From(string vaultName, JsonNode item)
    {
        var id = item["id"]!.GetValue<string>();
        var (name, version) = Wire.NameAndVersion(id);
        var a = item["attributes"];
        return new PSHsmVaultSecretIdentityItem
        {
            VaultName = vaultName, Name = name, Version = version, Id = id,
            Enabled = Wire.Bool(a?["enabled"]) ?? true, Expires = Wire.Time(a?["exp"]), NotBefore = Wire.Time(a?["nbf"]),
            Created = Wire.Time(a?["created"]), Updated = Wire.Time(a?["updated"]), RecoveryLevel = Wire.Text(a?["recoveryLevel"]),
            ContentType = Wire.Text(item["contentType"]), Managed = Wire.Bool(item["managed"]) ?? false, Tags = Wire.Tags(item["tags"]),
        };
    }
}

/// <summary>One secret version with its value as a SecureString (Az.KeyVault's PSKeyVaultSecret).</summary>
public sealed class PSHsmVaultSecret : PSHsmVaultSecretIdentityItem
{
    private PSHsmVaultSecret(PSHsmVaultSecretIdentityItem head, SecureString value) : base(head) => SecretValue = value;

    public SecureString SecretValue { get; }

    /// <summary>A bundle that carries a value; the plaintext string is copied into the SecureString and not kept.</summary>
    public static PSHsmVaultSecret FromBundle(string vaultName, JsonNode bundle)
    {
        var value = new SecureString();
        foreach (var c in bundle["value"]?.GetValue<string>() ?? "") value.AppendChar(c);
        value.MakeReadOnly();
        return new PSHsmVaultSecret(From(vaultName, bundle), value);
    }
}
