using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Http;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Vaults;

/// <summary>
/// Get-HsmVault: one vault by name, or every vault (optionally those with all the given tags); with -InRemovedState the
/// deleted vaults (those matching -VaultName), recoverable until their scheduled purge date, as Get-AzKeyVault -InRemovedState.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HsmVault", DefaultParameterSetName = ListSet)]
[OutputType(typeof(PSHsmVault), typeof(PSHsmVaultDeletedVault))]
public sealed class GetHsmVault : HsmVaultCmdlet
{
    private const string ListSet = "List";
    private const string ByNameSet = "ByName";
    private const string RemovedSet = "InRemovedState";

    [Parameter(Position = 0, ParameterSetName = ByNameSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(Position = 0, ParameterSetName = RemovedSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    [Parameter(ParameterSetName = ListSet)]
    public Hashtable? Tag { get; set; }

    /// <summary>Deleted vaults instead of live ones; wildcards in -VaultName filter them, a name not deleted outputs nothing.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RemovedSet)]
    public SwitchParameter InRemovedState { get; set; }

    protected override object? ErrorTarget => VaultName;

    protected override void Process()
    {
        if (ParameterSetName == RemovedSet)
        {
            WriteDeleted();
            return;
        }
        if (ParameterSetName == ByNameSet)
        {
            WriteObject(PSHsmVault.From(Management(HttpMethod.Get, $"vaults/{Uri.EscapeDataString(VaultName)}")!));
            return;
        }
        var list = Management(HttpMethod.Get, "vaults")?["value"]?.AsArray() ?? [];
        foreach (var vault in list.Select(v => PSHsmVault.From(v!)))
        {
            if (Tag is null || Tag.Keys.Cast<object>().All(k => vault.Tags[k.ToString()!]?.ToString() == Tag[k]?.ToString()))
                WriteObject(vault);
        }
    }

    private void WriteDeleted()
    {
        if (VaultName is { } name && !WildcardPattern.ContainsWildcardCharacters(name))
        {
            try
            {
                WriteObject(PSHsmVaultDeletedVault.From(Management(HttpMethod.Get, $"deletedVaults/{Uri.EscapeDataString(name)}")!));
            }
            catch (VaultServiceException e) when (IsNotFound(e))
            {
                WriteVerbose($"No deleted vault '{name}'.");
            }
            return;
        }
        var wildcard = new WildcardPattern(VaultName ?? "*", WildcardOptions.IgnoreCase);
        foreach (var v in Management(HttpMethod.Get, "deletedVaults")?["value"]?.AsArray() ?? [])
        {
            var deleted = PSHsmVaultDeletedVault.From(v!);
            if (wildcard.IsMatch(deleted.VaultName)) WriteObject(deleted);
        }
    }
}

/// <summary>New-HsmVault: creates a vault owned by a tenant (New-AzKeyVault without ARM's resource group and location).</summary>
[Cmdlet(VerbsCommon.New, "HsmVault", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVault))]
public sealed class NewHsmVault : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("VaultName")]
    public string Name { get; set; } = null!;

    /// <summary>The tenant whose tokens the vault accepts; by default the tenant Connect-HsmVault signed in to.</summary>
    [Parameter]
    public string? TenantId { get; set; }

    [Parameter]
    [ValidateRange(7, 90)]
    public int? SoftDeleteRetentionInDays { get; set; }

    [Parameter]
    public string? HsmTokenLabel { get; set; }

    /// <summary>A deleted vault (and its deleted keys and secrets) cannot be purged before its retention ends; cannot be turned off.</summary>
    [Parameter]
    public SwitchParameter EnablePurgeProtection { get; set; }

    [Parameter]
    public Hashtable? Tag { get; set; }

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        var tenant = TenantId ?? Connection.TenantId
            ?? throw new PSArgumentException("Give -TenantId: the connection does not name a tenant.");
        var properties = new JsonObject { ["tenantId"] = tenant };
        if (SoftDeleteRetentionInDays is { } days) properties["softDeleteRetentionInDays"] = days;
        if (HsmTokenLabel is not null) properties["hsmTokenLabel"] = HsmTokenLabel;
        if (EnablePurgeProtection) properties["enablePurgeProtection"] = true;
        var body = new JsonObject { ["properties"] = properties };
        if (Tag is not null) body["tags"] = Wire.TagsJson(Tag);
        if (!ShouldProcess(Name, "Create vault")) return;
        WriteObject(PSHsmVault.From(Management(HttpMethod.Put, $"vaults/{Uri.EscapeDataString(Name)}", body)!));
    }
}

/// <summary>Update-HsmVault: enables or disables a vault, changes its retention or replaces its tags.</summary>
[Cmdlet(VerbsData.Update, "HsmVault", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVault))]
public sealed class UpdateHsmVault : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    [Parameter]
    public bool? Enable { get; set; }

    [Parameter]
    [ValidateRange(7, 90)]
    public int? SoftDeleteRetentionInDays { get; set; }

    /// <summary>Turns purge protection on (it cannot be turned off again).</summary>
    [Parameter]
    public SwitchParameter EnablePurgeProtection { get; set; }

    [Parameter]
    public Hashtable? Tag { get; set; }

    protected override object? ErrorTarget => VaultName;

    protected override void Process()
    {
        var properties = new JsonObject();
        if (Enable is { } enabled) properties["enabled"] = enabled;
        if (SoftDeleteRetentionInDays is { } days) properties["softDeleteRetentionInDays"] = days;
        if (EnablePurgeProtection) properties["enablePurgeProtection"] = true;
        var body = new JsonObject { ["properties"] = properties };
        if (Tag is not null) body["tags"] = Wire.TagsJson(Tag);
        if (!ShouldProcess(VaultName, "Update vault")) return;
        WriteObject(PSHsmVault.From(Management(HttpMethod.Patch, $"vaults/{Uri.EscapeDataString(VaultName)}", body)!));
    }
}
