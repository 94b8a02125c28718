using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Vaults;

/// <summary>
/// Remove-HsmVault: soft-deletes a vault (it stops serving at once; its name, keys, secrets and access policies stay until it is
/// recovered or purged); with -InRemovedState purges a deleted vault for good, as Remove-AzKeyVault -InRemovedState.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "HsmVault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(bool))]
public sealed class RemoveHsmVault : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    /// <summary>Purges the deleted vault: every key's HSM objects and every row go; it cannot be recovered afterwards.</summary>
    [Parameter]
    public SwitchParameter InRemovedState { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override object? ErrorTarget => VaultName;

    protected override void Process()
    {
        var name = Uri.EscapeDataString(VaultName);
        if (InRemovedState)
        {
            if (!Confirm(VaultName, "Purge deleted vault (permanently, with all its keys and secrets)", Force)) return;
            Management(HttpMethod.Post, $"deletedVaults/{name}/purge");
        }
        else
        {
            if (!Confirm(VaultName, "Remove vault", Force)) return;
            Management(HttpMethod.Delete, $"vaults/{name}");
        }
        if (PassThru) WriteObject(true);
    }
}

/// <summary>Undo-HsmVaultRemoval: recovers a deleted vault as it was, with its keys, secrets and access policies (Undo-AzKeyVaultRemoval).</summary>
[Cmdlet(VerbsCommon.Undo, "HsmVaultRemoval", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVault))]
public sealed class UndoHsmVaultRemoval : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string VaultName { get; set; } = null!;

    /// <summary>Replaces the recovered vault's tags.</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    protected override object? ErrorTarget => VaultName;

    protected override void Process()
    {
        if (!ShouldProcess(VaultName, "Recover deleted vault")) return;
        var name = Uri.EscapeDataString(VaultName);
        var vault = Management(HttpMethod.Post, $"deletedVaults/{name}/recover")!;
        if (Tag is not null)
            vault = Management(HttpMethod.Patch, $"vaults/{name}", new JsonObject { ["tags"] = Wire.TagsJson(Tag) })!;
        WriteObject(PSHsmVault.From(vault));
    }
}
