using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Http;

namespace HsmVault.PowerShell.Cmdlets.Audit;

/// <summary>
/// The audit cmdlets: the auditor API on the management plane (/management/audit/…), which the auditor role or the operator
/// role may call; a vault's own access policies do not grant it.
/// </summary>
public abstract class AuditCmdlet : HsmVaultCmdlet
{
    private const int MaxPages = 1000;

    protected override object? ErrorTarget => VaultTarget;

    /// <summary>What errors name as their target: the vault, where there is one.</summary>
    protected virtual string? VaultTarget => null;

    protected Uri AuditUri(string path, IEnumerable<(string Name, string? Value)> query)
    {
        var q = string.Concat(query.Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => $"&{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return new Uri(Connection.ServiceUri, $"management/audit/{path}?api-version={ManagementApiVersion}{q}");
    }

    /// <summary>Every page of a records list: "value" items, following "nextLink" on the same host.</summary>
    protected IEnumerable<JsonNode> AuditPages(Uri first) => Paging.Items(first, uri => Send(HttpMethod.Get, uri, null).Body, MaxPages);

    protected static string? Iso(DateTime? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    protected static string VaultPath(string vaultName) => $"vaults/{Uri.EscapeDataString(vaultName)}";

    /// <summary>Writes text to a file of the current location (-Force overwrites).</summary>
    protected void WriteFile(string path, string text, bool force)
    {
        var file = WritableFile(path, force);
        File.WriteAllText(file, text);
        WriteVerbose($"Wrote {file}.");
    }
}

/// <summary>Audit cmdlets of one vault.</summary>
public abstract class VaultAuditCmdlet : AuditCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    protected override string? VaultTarget => VaultName;
}
