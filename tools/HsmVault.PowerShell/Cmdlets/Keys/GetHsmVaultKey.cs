using System.Management.Automation;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Keys;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Keys;

/// <summary>
/// Get-HsmVaultKey: a vault's keys (list items), one key or version with its public parts (optionally written to a PEM file),
/// or every version of a key. A name that does not exist outputs nothing, as Get-AzKeyVaultKey does.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HsmVaultKey", DefaultParameterSetName = ByVaultSet)]
[OutputType(typeof(PSHsmVaultKeyIdentityItem), typeof(PSHsmVaultKey))]
public sealed class GetHsmVaultKey : VaultDataCmdlet
{
    private const string ByVaultSet = "ByVaultName";
    private const string VersionsSet = "ByKeyVersions";

    /// <summary>A key name; wildcards filter the list.</summary>
    [Parameter(Position = 1, ParameterSetName = ByVaultSet)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = VersionsSet)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    [SupportsWildcards]
    public string? Name { get; set; }

    [Parameter(Position = 2, ParameterSetName = ByVaultSet)]
    [Alias("KeyVersion")]
    public string? Version { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = VersionsSet)]
    public SwitchParameter IncludeVersions { get; set; }

    /// <summary>Deleted keys instead: the list (or those matching -Name), or one deleted key.</summary>
    [Parameter(ParameterSetName = ByVaultSet)]
    public SwitchParameter InRemovedState { get; set; }

    /// <summary>Writes the public key as PEM (SubjectPublicKeyInfo) to this file.</summary>
    [Parameter(ParameterSetName = ByVaultSet)]
    public string? OutFile { get; set; }

    /// <summary>Overwrite -OutFile if it exists.</summary>
    [Parameter(ParameterSetName = ByVaultSet)]
    public SwitchParameter Force { get; set; }

    protected override object? ErrorTarget => Name ?? VaultName;

    protected override void Process()
    {
        if (IncludeVersions)
        {
            foreach (var item in DataPages(VaultName, $"keys/{Uri.EscapeDataString(Name!)}/versions"))
                WriteObject(PSHsmVaultKeyIdentityItem.From(VaultName, item));
            return;
        }
        if (InRemovedState)
        {
            if (Version is not null || OutFile is not null) throw new PSArgumentException("-Version and -OutFile do not apply to deleted keys.");
            if (IsPattern(Name)) WriteMatching("deletedkeys", Name, item => PSHsmVaultDeletedKey.From(VaultName, item));
            else if (GetOrNothing($"deletedkeys/{Uri.EscapeDataString(Name!)}") is { } deleted) WriteObject(PSHsmVaultDeletedKey.From(VaultName, deleted));
            return;
        }
        if (IsPattern(Name))
        {
            if (Version is not null || OutFile is not null) throw new PSArgumentException("-Version and -OutFile need one key -Name.");
            WriteMatching("keys", Name, item => PSHsmVaultKeyIdentityItem.From(VaultName, item));
            return;
        }
        var path = $"keys/{Uri.EscapeDataString(Name!)}" + (Version is null ? "" : $"/{Uri.EscapeDataString(Version)}");
        if (GetOrNothing(path) is not { } bundle) return;
        var key = PSHsmVaultKey.FromBundle(VaultName, bundle);
        if (OutFile is not null) WritePem(key);
        WriteObject(key);
    }

    private void WritePem(PSHsmVaultKey key)
    {
        var file = WritableFile(OutFile!, Force);
        File.WriteAllText(file, KeyFiles.PublicPem(key.Key));
        WriteVerbose($"Public key written to {file}.");
    }
}
