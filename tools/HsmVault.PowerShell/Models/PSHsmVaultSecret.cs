using System.Security;
using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>A secret as lists show it (Az.KeyVault's PSKeyVaultSecretIdentityItem): never a value.</summary>
public class PSHsmVaultSecretIdentityItem : PSHsmVaultObjectItem
{
    protected PSHsmVaultSecretIdentityItem(string vaultName, JsonNode item) : base(vaultName, item["id"]!.GetValue<string>(), item) =>
        ContentType = Wire.Text(item["contentType"]);

    public string? ContentType { get; }

    public static PSHsmVaultSecretIdentityItem From(string vaultName, JsonNode item) => new(vaultName, item);
}

/// <summary>One secret version with its value as a SecureString (Az.KeyVault's PSKeyVaultSecret).</summary>
public sealed class PSHsmVaultSecret : PSHsmVaultSecretIdentityItem
{
    private PSHsmVaultSecret(string vaultName, JsonNode bundle, SecureString value) : base(vaultName, bundle) => SecretValue = value;

    public SecureString SecretValue { get; }

    /// <summary>A bundle that carries a value; the plaintext string is copied into the SecureString and not kept.</summary>
    public static PSHsmVaultSecret FromBundle(string vaultName, JsonNode bundle)
    {
        var value = new SecureString();
        foreach (var c in bundle["value"]?.GetValue<string>() ?? "") value.AppendChar(c);
        value.MakeReadOnly();
        return new PSHsmVaultSecret(vaultName, bundle, value);
    }
}
