using System.Management.Automation;

namespace HsmVault.PowerShell.Cmdlets.Audit;

/// <summary>
/// Export-HsmVaultAuditLog: one vault-hour of records as the service's export route returns it, Key Vault's classic
/// PT1H.json document {"records":[…]}, written to a file as received.
/// </summary>
[Cmdlet(VerbsData.Export, "HsmVaultAuditLog", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportHsmVaultAuditLog : VaultAuditCmdlet
{
    /// <summary>Any time within the hour (UTC hours).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public DateTime Hour { get; set; }

    [Parameter(Mandatory = true, Position = 2)]
    [Alias("OutFile")]
    public string Path { get; set; } = null!;

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        var hour = Hour.ToUniversalTime();
        var file = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(file, $"Export the audit records of vault '{VaultName}' for {hour:yyyy-MM-dd HH}:00 UTC")) return;
        var answer = Send(HttpMethod.Get, AuditUri($"{VaultPath(VaultName)}/export", [("hour", Iso(hour))]), null);
        WriteFile(Path, answer.Text, Force);
        WriteVerbose($"{answer.Body?["records"]?.AsArray().Count ?? 0} records.");
        WriteObject(new FileInfo(file));
    }
}

/// <summary>
/// Get-HsmVaultAuditSigningKey: the deployment's audit public key (PEM), whose signatures over the chain heads
/// hsmvault audit verify checks. With -OutFile it is written to that file as well.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HsmVaultAuditSigningKey")]
[OutputType(typeof(string))]
public sealed class GetHsmVaultAuditSigningKey : AuditCmdlet
{
    [Parameter(Position = 0)]
    public string? OutFile { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        var pem = Send(HttpMethod.Get, AuditUri("signing-key", []), null).Body?["pem"]?.GetValue<string>()
            ?? throw new InvalidOperationException("The service answered without a 'pem'.");
        if (OutFile is not null) WriteFile(OutFile, pem, Force);
        WriteObject(pem);
    }
}
