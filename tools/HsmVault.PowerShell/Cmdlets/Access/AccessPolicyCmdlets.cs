using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Access;

/// <summary>Get-HsmVaultAccessPolicy: a vault's access policy entries, optionally of one object and/or one key scope.</summary>
[Cmdlet(VerbsCommon.Get, "HsmVaultAccessPolicy")]
[OutputType(typeof(PSHsmVaultAccessPolicy))]
public sealed class GetHsmVaultAccessPolicy : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    [Parameter]
    public string? ObjectId { get; set; }

    /// <summary>Only entries limited to this key scope ("*" for the vault-wide entries).</summary>
    [Parameter]
    public string? KeyName { get; set; }

    protected override object? ErrorTarget => VaultName;

    protected override void Process()
    {
        foreach (var entry in AccessPolicies.List(this, VaultName))
        {
            if (ObjectId is not null && !entry.ObjectId.Equals(ObjectId, StringComparison.OrdinalIgnoreCase)) continue;
            if (KeyName is not null && !AccessPolicies.SameScope(entry.KeyName, KeyName)) continue;
            WriteObject(entry);
        }
    }
}

/// <summary>
/// Set-HsmVaultAccessPolicy: grants an object permissions on a vault, or (with -KeyName) on one key or name prefix.
/// As Set-AzKeyVaultAccessPolicy does, permissions of a kind not given are kept from the existing entry.
/// </summary>
[Cmdlet(VerbsCommon.Set, "HsmVaultAccessPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultAccessPolicy))]
public sealed class SetHsmVaultAccessPolicy : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string ObjectId { get; set; } = null!;

    /// <summary>Makes a compound entry: the object acting through this application only.</summary>
    [Parameter]
    public string? ApplicationId { get; set; }

    [Parameter]
    [ValidateSet("all", "get", "list", "create", "import", "update", "delete", "recover", "backup", "restore", "purge", "encrypt",
        "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "rotate", "getrotationpolicy", "setrotationpolicy", "release", IgnoreCase = true)]
    public string[]? PermissionsToKeys { get; set; }

    [Parameter]
    [ValidateSet("all", "get", "list", "set", "delete", "recover", "backup", "restore", "purge", IgnoreCase = true)]
    public string[]? PermissionsToSecrets { get; set; }

    /// <summary>Limits the entry to one key name or a name prefix ending in "*" (keys permissions only).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string? KeyName { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override object? ErrorTarget => ObjectId;

    protected override void Process()
    {
        if (PermissionsToKeys is null && PermissionsToSecrets is null)
            throw new PSArgumentException("Give -PermissionsToKeys and/or -PermissionsToSecrets.");
        var existing = AccessPolicies.List(this, VaultName).FirstOrDefault(e =>
            e.ObjectId.Equals(ObjectId, StringComparison.OrdinalIgnoreCase) && AccessPolicies.SameScope(e.KeyName, KeyName));
        var keys = PermissionsToKeys ?? existing?.PermissionsToKeys ?? [];
        var secrets = PermissionsToSecrets ?? (KeyName is null ? existing?.PermissionsToSecrets : null) ?? [];
        var body = new JsonObject
        {
            ["objectId"] = ObjectId,
            ["permissions"] = new JsonObject { ["keys"] = Wire.Array(keys), ["secrets"] = Wire.Array(secrets) },
        };
        if ((ApplicationId ?? existing?.ApplicationId) is { } app) body["applicationId"] = app;
        var scope = KeyName is null ? "" : $"&key={Uri.EscapeDataString(KeyName)}";
        var target = KeyName is null ? $"{VaultName}/{ObjectId}" : $"{VaultName}/{ObjectId} (key {KeyName})";
        if (!ShouldProcess(target, "Set access policy")) return;
        var saved = Management(HttpMethod.Put, $"vaults/{Uri.EscapeDataString(VaultName)}/accessPolicies/{Uri.EscapeDataString(ObjectId)}", body, scope);
        if (PassThru) WriteObject(PSHsmVaultAccessPolicy.From(VaultName, saved!));
    }
}

/// <summary>Remove-HsmVaultAccessPolicy: revokes an object's entries (all of them, or the one of -KeyName), or piped entries exactly.</summary>
[Cmdlet(VerbsCommon.Remove, "HsmVaultAccessPolicy", SupportsShouldProcess = true, DefaultParameterSetName = "ByObjectId")]
[OutputType(typeof(bool))]
public sealed class RemoveHsmVaultAccessPolicy : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "ByObjectId")]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = "ByObjectId")]
    public string ObjectId { get; set; } = null!;

    /// <summary>Only the entry of this key scope ("*" for the vault-wide entry); without it every entry of the object goes.</summary>
    [Parameter(ParameterSetName = "ByObjectId")]
    public string? KeyName { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    public PSHsmVaultAccessPolicy InputObject { get; set; } = null!;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override object? ErrorTarget => InputObject?.ObjectId ?? ObjectId;

    protected override void Process()
    {
        var (vault, oid, key) = ParameterSetName == "InputObject"
            ? (InputObject.VaultName, InputObject.ObjectId, InputObject.KeyName ?? "*")
            : (VaultName, ObjectId, KeyName);
        var what = key is null ? $"{vault}/{oid} (every entry)" : $"{vault}/{oid} (key {key})";
        if (!ShouldProcess(what, "Remove access policy")) return;
        var scope = key is null ? "" : $"&key={Uri.EscapeDataString(key)}";
        var answer = Management(HttpMethod.Delete, $"vaults/{Uri.EscapeDataString(vault)}/accessPolicies/{Uri.EscapeDataString(oid)}", null, scope);
        var removed = answer?["removed"]?.GetValue<int>() ?? 0;
        WriteVerbose($"{removed} entr{(removed == 1 ? "y" : "ies")} removed.");
        if (PassThru) WriteObject(removed > 0);
    }
}

internal static class AccessPolicies
{
    public static IEnumerable<PSHsmVaultAccessPolicy> List(HsmVaultCmdlet cmdlet, string vault) =>
        (cmdlet.ManagementGet($"vaults/{Uri.EscapeDataString(vault)}/accessPolicies")?["value"]?.AsArray() ?? [])
            .Select(e => PSHsmVaultAccessPolicy.From(vault, e!));

    /// <summary>Whether an entry's scope (null = vault-wide) is the one asked for (null or "*" = vault-wide).</summary>
    public static bool SameScope(string? entryKey, string? asked) =>
        asked is null or "*" ? entryKey is null : asked.Equals(entryKey, StringComparison.OrdinalIgnoreCase);
}
