using System.Management.Automation;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Http;
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
        if (Name is null || WildcardPattern.ContainsWildcardCharacters(Name))
        {
            if (Version is not null || OutFile is not null) throw new PSArgumentException("-Version and -OutFile need one key -Name.");
            var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
            foreach (var item in DataPages(VaultName, "keys").Select(i => PSHsmVaultKeyIdentityItem.From(VaultName, i)))
                if (pattern.IsMatch(item.Name)) WriteObject(item);
            return;
        }
        PSHsmVaultKey key;
        try
        {
            var path = $"keys/{Uri.EscapeDataString(Name)}" + (Version is null ? "" : $"/{Uri.EscapeDataString(Version)}");
            key = PSHsmVaultKey.FromBundle(VaultName, Data(VaultName, HttpMethod.Get, path)!);
        }
        catch (VaultServiceException e) when (IsNotFound(e))
        {
            WriteVerbose($"Key '{Name}' not found in vault '{VaultName}'.");
            return;
        }
        if (OutFile is not null) WritePem(key);
        WriteObject(key);
    }

    private void WritePem(PSHsmVaultKey key)
    {
        var file = GetUnresolvedProviderPathFromPSPath(OutFile);
        if (File.Exists(file) && !Force)
            throw new PSArgumentException($"'{file}' exists; give -Force to overwrite it.");
        File.WriteAllText(file, KeyFiles.PublicPem(key.Key));
        WriteVerbose($"Public key written to {file}.");
    }
}
