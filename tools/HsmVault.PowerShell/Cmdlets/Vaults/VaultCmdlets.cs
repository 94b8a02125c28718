using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Http;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Vaults;

/// <summary>Get-HsmVault: one vault by name, or every vault (optionally those with all the given tags).</summary>
[Cmdlet(VerbsCommon.Get, "HsmVault", DefaultParameterSetName = "List")]
[OutputType(typeof(PSHsmVault))]
public sealed class GetHsmVault : HsmVaultCmdlet
{
    [Parameter(Position = 0, ParameterSetName = "ByName", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    [Parameter(ParameterSetName = "List")]
    public Hashtable? Tag { get; set; }

    protected override object? ErrorTarget => VaultName;

    protected override void Process()
    {
        if (ParameterSetName == "ByName")
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

    [Parameter]
    public Hashtable? Tag { get; set; }

    protected override object? ErrorTarget => VaultName;

    protected override void Process()
    {
        var properties = new JsonObject();
        if (Enable is { } enabled) properties["enabled"] = enabled;
        if (SoftDeleteRetentionInDays is { } days) properties["softDeleteRetentionInDays"] = days;
        var body = new JsonObject { ["properties"] = properties };
        if (Tag is not null) body["tags"] = Wire.TagsJson(Tag);
        if (!ShouldProcess(VaultName, "Update vault")) return;
        WriteObject(PSHsmVault.From(Management(HttpMethod.Patch, $"vaults/{Uri.EscapeDataString(VaultName)}", body)!));
    }
}

/// <summary>Remove-HsmVault: deletes a vault (it stops serving at once; its name stays reserved).</summary>
[Cmdlet(VerbsCommon.Remove, "HsmVault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(bool))]
public sealed class RemoveHsmVault : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override object? ErrorTarget => VaultName;

    protected override void Process()
    {
        if (!Confirm(VaultName, "Remove vault", Force)) return;
        Management(HttpMethod.Delete, $"vaults/{Uri.EscapeDataString(VaultName)}");
        if (PassThru) WriteObject(true);
    }
}
