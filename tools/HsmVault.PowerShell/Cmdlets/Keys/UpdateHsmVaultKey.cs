using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Keys;

/// <summary>Update-HsmVaultKey: enables/disables a key version, changes its dates, operations or tags (Update-AzKeyVaultKey).</summary>
[Cmdlet(VerbsData.Update, "HsmVaultKey", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultKey))]
public sealed class UpdateHsmVaultKey : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>The version to change; the current one when not given.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyVersion")]
    public string? Version { get; set; }

    [Parameter]
    public bool? Enable { get; set; }

    [Parameter]
    public DateTime? Expires { get; set; }

    [Parameter]
    public DateTime? NotBefore { get; set; }

    [Parameter]
    [ValidateSet("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", IgnoreCase = true)]
    public string[]? KeyOps { get; set; }

    /// <summary>Replaces the tags (an empty hashtable removes them all).</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        var body = new JsonObject { ["attributes"] = Wire.Attributes(Enable, NotBefore, Expires) };
        if (KeyOps is not null) body["key_ops"] = Wire.Array(KeyOps);
        if (Tag is not null) body["tags"] = Wire.TagsJson(Tag);
        var path = $"keys/{Uri.EscapeDataString(Name)}" + (string.IsNullOrEmpty(Version) ? "" : $"/{Uri.EscapeDataString(Version)}");
        if (!ShouldProcess($"{VaultName}/{Name}" + (string.IsNullOrEmpty(Version) ? "" : $"/{Version}"), "Update key")) return;
        var updated = PSHsmVaultKey.FromBundle(VaultName, Data(VaultName, HttpMethod.Patch, path, body)!);
        if (PassThru) WriteObject(updated);
    }
}
