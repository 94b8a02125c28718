using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Lifecycle;

[Cmdlet(VerbsCommon.Remove, "HsmVaultKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PSHsmVaultDeletedKey), typeof(bool))]
public sealed class RemoveHsmVaultKey : RemoveObjectCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string Name { get; set; } = null!;

    protected override string Collection => "keys";
    protected override string Kind => "key";
    protected override string ObjectName => Name;
    protected override object Live(JsonNode bundle) => PSHsmVaultKey.FromBundle(VaultName, bundle);
    protected override object Deleted(JsonNode bundle) => PSHsmVaultDeletedKey.From(VaultName, bundle);
}

[Cmdlet(VerbsCommon.Undo, "HsmVaultKeyRemoval", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultKey))]
public sealed class UndoHsmVaultKeyRemoval : UndoObjectRemovalCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    public string Name { get; set; } = null!;

    protected override string Collection => "keys";
    protected override string Kind => "key";
    protected override string ObjectName => Name;
    protected override object Live(JsonNode bundle) => PSHsmVaultKey.FromBundle(VaultName, bundle);
    protected override object Deleted(JsonNode bundle) => PSHsmVaultDeletedKey.From(VaultName, bundle);
}

[Cmdlet(VerbsData.Backup, "HsmVaultKey", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class BackupHsmVaultKey : BackupObjectCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string Name { get; set; } = null!;

    protected override string Collection => "keys";
    protected override string Kind => "key";
    protected override string ObjectName => Name;
    protected override object Live(JsonNode bundle) => PSHsmVaultKey.FromBundle(VaultName, bundle);
    protected override object Deleted(JsonNode bundle) => PSHsmVaultDeletedKey.From(VaultName, bundle);
}

[Cmdlet(VerbsData.Restore, "HsmVaultKey", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultKey))]
public sealed class RestoreHsmVaultKey : RestoreObjectCmdlet
{
    protected override string Collection => "keys";
    protected override object Live(JsonNode bundle) => PSHsmVaultKey.FromBundle(VaultName, bundle);
}

/// <summary>Invoke-HsmVaultKeyRotation: makes a new version of a key now (Invoke-AzKeyVaultKeyRotation).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "HsmVaultKeyRotation", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultKey))]
public sealed class InvokeHsmVaultKeyRotation : VaultDataCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string Name { get; set; } = null!;

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        if (!ShouldProcess($"{VaultName}/{Name}", "Rotate key")) return;
        WriteObject(PSHsmVaultKey.FromBundle(VaultName, Data(VaultName, HttpMethod.Post, $"keys/{Uri.EscapeDataString(Name)}/rotate")!));
    }
}

[Cmdlet(VerbsCommon.Get, "HsmVaultKeyRotationPolicy")]
[OutputType(typeof(PSHsmVaultKeyRotationPolicy))]
public sealed class GetHsmVaultKeyRotationPolicy : VaultDataCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string Name { get; set; } = null!;

    protected override object? ErrorTarget => Name;

    protected override void Process() =>
        WriteObject(PSHsmVaultKeyRotationPolicy.From(VaultName, Name, Data(VaultName, HttpMethod.Get, $"keys/{Uri.EscapeDataString(Name)}/rotationpolicy")!));
}

/// <summary>Set-HsmVaultKeyRotationPolicy: when a key rotates (or notifies) and how long new versions live.</summary>
[Cmdlet(VerbsCommon.Set, "HsmVaultKeyRotationPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultKeyRotationPolicy))]
public sealed class SetHsmVaultKeyRotationPolicy : VaultDataCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyName")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>Rules, e.g. @{ Action = 'Rotate'; TimeAfterCreate = 'P90D' } (hashtables convert).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("LifetimeActions")]
    public PSHsmVaultKeyRotationLifetimeAction[]? KeyRotationLifetimeAction { get; set; }

    /// <summary>The validity of new versions, an ISO 8601 duration (P1Y).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ExpiresIn { get; set; }

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        var body = new JsonObject { ["lifetimeActions"] = new JsonArray((KeyRotationLifetimeAction ?? []).Select(a => (JsonNode)a.ToJson()).ToArray()) };
        if (ExpiresIn is not null) body["attributes"] = new JsonObject { ["expiryTime"] = ExpiresIn };
        if (!ShouldProcess($"{VaultName}/{Name}", "Set rotation policy")) return;
        WriteObject(PSHsmVaultKeyRotationPolicy.From(VaultName, Name, Data(VaultName, HttpMethod.Put, $"keys/{Uri.EscapeDataString(Name)}/rotationpolicy", body)!));
    }
}
