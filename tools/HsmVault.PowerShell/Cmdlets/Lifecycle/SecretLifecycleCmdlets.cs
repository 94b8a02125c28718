using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Lifecycle;

[Cmdlet(VerbsCommon.Remove, "HsmVaultSecret", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PSHsmVaultDeletedSecret), typeof(bool))]
public sealed class RemoveHsmVaultSecret : RemoveObjectCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("SecretName")]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string Name { get; set; } = null!;

    protected override string Collection => "secrets";
    protected override string Kind => "secret";
    protected override string ObjectName => Name;
    protected override object Live(JsonNode bundle) => SecretBundles.Item(VaultName, bundle);
    protected override object Deleted(JsonNode bundle) => PSHsmVaultDeletedSecret.From(VaultName, SecretBundles.WithoutValue(bundle));
}

[Cmdlet(VerbsCommon.Undo, "HsmVaultSecretRemoval", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultSecretIdentityItem))]
public sealed class UndoHsmVaultSecretRemoval : UndoObjectRemovalCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("SecretName")]
    public string Name { get; set; } = null!;

    protected override string Collection => "secrets";
    protected override string Kind => "secret";
    protected override string ObjectName => Name;
    protected override object Live(JsonNode bundle) => SecretBundles.Item(VaultName, bundle);
    protected override object Deleted(JsonNode bundle) => PSHsmVaultDeletedSecret.From(VaultName, SecretBundles.WithoutValue(bundle));
}

[Cmdlet(VerbsData.Backup, "HsmVaultSecret", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class BackupHsmVaultSecret : BackupObjectCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("SecretName")]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string Name { get; set; } = null!;

    protected override string Collection => "secrets";
    protected override string Kind => "secret";
    protected override string ObjectName => Name;
    protected override object Live(JsonNode bundle) => SecretBundles.Item(VaultName, bundle);
    protected override object Deleted(JsonNode bundle) => PSHsmVaultDeletedSecret.From(VaultName, SecretBundles.WithoutValue(bundle));
}

[Cmdlet(VerbsData.Restore, "HsmVaultSecret", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultSecretIdentityItem))]
public sealed class RestoreHsmVaultSecret : RestoreObjectCmdlet
{
    protected override string Collection => "secrets";
    protected override object Live(JsonNode bundle) => SecretBundles.Item(VaultName, bundle);
}

/// <summary>Lifecycle answers about secrets become list items: a value, if the vault sent one, is dropped here.</summary>
internal static class SecretBundles
{
    public static JsonNode WithoutValue(JsonNode bundle)
    {
        bundle.AsObject().Remove("value");
        return bundle;
    }

    public static PSHsmVaultSecretIdentityItem Item(string vaultName, JsonNode bundle) => PSHsmVaultSecretIdentityItem.From(vaultName, WithoutValue(bundle));
}
