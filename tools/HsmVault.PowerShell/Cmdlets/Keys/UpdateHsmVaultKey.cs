using System.Management.Automation;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Keys;

/// <summary>Update-HsmVaultKey: enables/disables a key version, changes its dates, operations or tags (Update-AzKeyVaultKey).</summary>
[Cmdlet(VerbsData.Update, "HsmVaultKey", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultKey))]
public sealed class UpdateHsmVaultKey : VaultObjectUpdateCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string Name { get; set; } = null!;

    [Parameter]
    [ValidateSet("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", IgnoreCase = true)]
    public string[]? KeyOps { get; set; }

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        var body = AttributesBody(Enable);
        if (KeyOps is not null) body["key_ops"] = Wire.Array(KeyOps);
        if (!ShouldProcess(Target(Name), "Update key")) return;
        var updated = PSHsmVaultKey.FromBundle(VaultName, Data(VaultName, HttpMethod.Patch, ObjectPath("keys", Name), body)!);
        if (PassThru) WriteObject(updated);
    }
}
