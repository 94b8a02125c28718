using System.Management.Automation;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Audit;

/// <summary>
/// Get-HsmVaultAuditLog: a vault's audit records, newest first, filtered by the service (key, caller, operation, result, time
/// range) and with every page followed. Without -Since the last hour; the range may span 31 days.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HsmVaultAuditLog")]
[OutputType(typeof(PSHsmVaultAuditRecord))]
public sealed class GetHsmVaultAuditLog : VaultAuditCmdlet
{
    /// <summary>Only records of this key (any version).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string? KeyName { get; set; }

    /// <summary>Only records of this secret (any version).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string? SecretName { get; set; }

    /// <summary>Only this caller's records: an object id, application id or UPN.</summary>
    [Parameter]
    public string? Caller { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AuditOperationCompleter))]
    public string? Operation { get; set; }

    /// <summary>Success, Failure, or a vault error code (AccessDenied, KeyNotFound…).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AuditResultCompleter))]
    public string? Result { get; set; }

    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>At most this many records (all by default).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? First { get; set; }

    /// <summary>Records per request (the service's maxresults); every page is read either way.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int PageSize { get; set; } = 1000;

    protected override void Process()
    {
        if (KeyName is not null && SecretName is not null) throw new PSArgumentException("Give -KeyName or -SecretName, not both.");
        var obj = KeyName is not null ? $"keys/{KeyName}" : SecretName is not null ? $"secrets/{SecretName}" : null;
        var pageSize = First is { } n ? Math.Min(n, PageSize) : PageSize;
        var uri = AuditUri($"{VaultPath(VaultName)}/records", [
            ("start", Iso(Since)), ("end", Iso(Until)), ("object", obj), ("caller", Caller), ("operation", Operation),
            ("result", Result), ("maxresults", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var written = 0;
        foreach (var record in AuditPages(uri))
        {
            WriteObject(PSHsmVaultAuditRecord.From(VaultName, record));
            if (First is { } max && ++written >= max) return;
        }
    }
}
