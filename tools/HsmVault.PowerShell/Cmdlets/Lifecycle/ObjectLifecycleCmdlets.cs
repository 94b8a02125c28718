using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Lifecycle;

/// <summary>What keys and secrets share in their lifecycle: their collection ("keys", "secrets") and how answers become objects.</summary>
public abstract class ObjectLifecycleCmdlet : VaultDataCmdlet
{
    protected abstract string Collection { get; }
    protected abstract string Kind { get; }
    protected abstract string ObjectName { get; }
    protected abstract object Live(JsonNode bundle);
    protected abstract object Deleted(JsonNode bundle);

    protected string Escaped => Uri.EscapeDataString(ObjectName);
    protected string Target => $"{VaultName}/{ObjectName}";
    protected override object? ErrorTarget => ObjectName;
}

/// <summary>Remove-HsmVaultKey/-Secret: soft delete (recoverable), or with -InRemovedState purge a deleted one for good.</summary>
public abstract class RemoveObjectCmdlet : ObjectLifecycleCmdlet
{
    /// <summary>Purges the deleted object (it cannot be recovered afterwards; its HSM objects are destroyed).</summary>
    [Parameter]
    public SwitchParameter InRemovedState { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        if (InRemovedState)
        {
            if (!Confirm(Target, $"Purge deleted {Kind} (permanently)", Force)) return;
            Data(VaultName, HttpMethod.Delete, $"deleted{Collection}/{Escaped}");
            if (PassThru) WriteObject(true);
            return;
        }
        if (!Confirm(Target, $"Remove {Kind}", Force)) return;
        var deleted = Data(VaultName, HttpMethod.Delete, $"{Collection}/{Escaped}")!;
        if (PassThru) WriteObject(Deleted(deleted));
    }
}

/// <summary>Undo-HsmVaultKeyRemoval/-SecretRemoval: recovers a deleted object with all its versions.</summary>
public abstract class UndoObjectRemovalCmdlet : ObjectLifecycleCmdlet
{
    protected override void Process()
    {
        if (!ShouldProcess(Target, $"Recover deleted {Kind}")) return;
        WriteObject(Live(Data(VaultName, HttpMethod.Post, $"deleted{Collection}/{Escaped}/recover")!));
    }
}

/// <summary>Backup-HsmVaultKey/-Secret: writes the vault's protected backup blob of every version to a file.</summary>
public abstract class BackupObjectCmdlet : ObjectLifecycleCmdlet
{
    /// <summary>The file to write; by default {vault}-{name}-{UTC time}.{kind}backup in the current folder.</summary>
    [Parameter(Position = 2)]
    public string? OutputFile { get; set; }

    /// <summary>Overwrites -OutputFile if it exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        var file = WritableFile(OutputFile ?? $"{VaultName}-{ObjectName}-{DateTime.UtcNow:yyyyMMddHHmmss}.{Kind}backup", Force);
        if (!ShouldProcess(file, $"Back up {Kind} {Target}")) return;
        var blob = Data(VaultName, HttpMethod.Post, $"{Collection}/{Escaped}/backup")!["value"]!.GetValue<string>();
        File.WriteAllBytes(file, Base64Url.Decode(blob));
        WriteObject(file);
    }
}

/// <summary>Restore-HsmVaultKey/-Secret: restores a backup file into a vault (of the same deployment).</summary>
public abstract class RestoreObjectCmdlet : VaultDataCmdlet
{
    [Parameter(Mandatory = true, Position = 1)]
    public string InputFile { get; set; } = null!;

    protected abstract string Collection { get; }
    protected abstract object Live(JsonNode bundle);
    protected override object? ErrorTarget => InputFile;

    protected override void Process()
    {
        var file = GetUnresolvedProviderPathFromPSPath(InputFile);
        if (!ShouldProcess(VaultName, $"Restore {Path.GetFileName(file)}")) return;
        var body = new JsonObject { ["value"] = Base64Url.Encode(File.ReadAllBytes(file)) };
        WriteObject(Live(Data(VaultName, HttpMethod.Post, $"{Collection}/restore", body)!));
    }
}
