using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Secrets;

/// <summary>Set-HsmVaultSecret: stores a new version of a secret from a SecureString (Set-AzKeyVaultSecret).</summary>
[Cmdlet(VerbsCommon.Set, "HsmVaultSecret", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultSecret))]
public sealed class SetHsmVaultSecret : VaultObjectWriteCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("SecretName")]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string Name { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 2)]
    public SecureString SecretValue { get; set; } = null!;

    [Parameter]
    public string? ContentType { get; set; }

    [Parameter]
    public SwitchParameter Disable { get; set; }

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        if (!ShouldProcess($"{VaultName}/{Name}", "Set secret")) return;
        var body = AttributesBody(Disable ? false : null);
        body["value"] = new NetworkCredential("", SecretValue).Password;
        if (ContentType is not null) body["contentType"] = ContentType;
        WriteObject(PSHsmVaultSecret.FromBundle(VaultName, Data(VaultName, HttpMethod.Put, $"secrets/{Uri.EscapeDataString(Name)}", body)!));
    }
}

/// <summary>
/// Get-HsmVaultSecret: a vault's secrets (never values), one secret or version with its value as a SecureString
/// (-AsPlainText: the value as a string), or every version. A name that does not exist outputs nothing, as in Az.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HsmVaultSecret", DefaultParameterSetName = ByVaultSet)]
[OutputType(typeof(PSHsmVaultSecretIdentityItem), typeof(PSHsmVaultSecret), typeof(string))]
public sealed class GetHsmVaultSecret : VaultDataCmdlet
{
    private const string ByVaultSet = "ByVaultName";
    private const string VersionsSet = "BySecretVersions";

    [Parameter(Position = 1, ParameterSetName = ByVaultSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = VersionsSet)]
    [Alias("SecretName")]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    [SupportsWildcards]
    public string? Name { get; set; }

    [Parameter(Position = 2, ParameterSetName = ByVaultSet)]
    [Alias("SecretVersion")]
    public string? Version { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = VersionsSet)]
    public SwitchParameter IncludeVersions { get; set; }

    [Parameter(ParameterSetName = ByVaultSet)]
    public SwitchParameter AsPlainText { get; set; }

    /// <summary>Deleted secrets instead (never values): the list (or those matching -Name), or one deleted secret.</summary>
    [Parameter(ParameterSetName = ByVaultSet)]
    public SwitchParameter InRemovedState { get; set; }

    protected override object? ErrorTarget => Name ?? VaultName;

    protected override void Process()
    {
        if (IncludeVersions)
        {
            foreach (var item in DataPages(VaultName, $"secrets/{Uri.EscapeDataString(Name!)}/versions"))
                WriteObject(PSHsmVaultSecretIdentityItem.From(VaultName, item));
            return;
        }
        if (InRemovedState)
        {
            if (Version is not null || AsPlainText) throw new PSArgumentException("-Version and -AsPlainText do not apply to deleted secrets.");
            if (IsPattern(Name)) WriteMatching("deletedsecrets", Name, item => PSHsmVaultDeletedSecret.From(VaultName, item));
            else if (GetOrNothing($"deletedsecrets/{Uri.EscapeDataString(Name!)}") is { } deleted) WriteObject(PSHsmVaultDeletedSecret.From(VaultName, deleted));
            return;
        }
        if (IsPattern(Name))
        {
            if (Version is not null || AsPlainText) throw new PSArgumentException("-Version and -AsPlainText need one secret -Name.");
            WriteMatching("secrets", Name, item => PSHsmVaultSecretIdentityItem.From(VaultName, item));
            return;
        }
        if (GetOrNothing($"secrets/{Uri.EscapeDataString(Name!)}" + (Version is null ? "" : $"/{Uri.EscapeDataString(Version)}")) is not { } bundle) return;
        if (AsPlainText) WriteObject(bundle["value"]?.GetValue<string>() ?? "");
        else WriteObject(PSHsmVaultSecret.FromBundle(VaultName, bundle));
    }
}

/// <summary>Update-HsmVaultSecret: changes a version's attributes, content type or tags, never its value (Update-AzKeyVaultSecret).</summary>
[Cmdlet(VerbsData.Update, "HsmVaultSecret", SupportsShouldProcess = true)]
[OutputType(typeof(PSHsmVaultSecretIdentityItem))]
public sealed class UpdateHsmVaultSecret : VaultObjectUpdateCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("SecretName")]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string Name { get; set; } = null!;

    [Parameter]
    public string? ContentType { get; set; }

    protected override object? ErrorTarget => Name;

    protected override void Process()
    {
        var body = AttributesBody(Enable);
        if (ContentType is not null) body["contentType"] = ContentType;
        if (!ShouldProcess(Target(Name), "Update secret")) return;
        var updated = Data(VaultName, HttpMethod.Patch, ObjectPath("secrets", Name), body)!;
        updated.AsObject().Remove("value");
        if (PassThru) WriteObject(PSHsmVaultSecretIdentityItem.From(VaultName, updated));
    }
}
