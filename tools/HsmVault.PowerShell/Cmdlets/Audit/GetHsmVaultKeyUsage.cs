using System.Management.Automation;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets.Audit;

/// <summary>
/// Get-HsmVaultKeyUsage: how a key was used, per hour or per day, by operation, caller and result, from the service's usage
/// aggregates. Newest period first. Without -Since: the last 24 hours (Hour) or the last 7 days (Day).
/// </summary>
[Cmdlet(VerbsCommon.Get, "HsmVaultKeyUsage")]
[OutputType(typeof(PSHsmVaultKeyUsage))]
public sealed class GetHsmVaultKeyUsage : VaultAuditCmdlet
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(KeyNameCompleter))]
    public string KeyName { get; set; } = null!;

    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public DateTime? Until { get; set; }

    [Parameter]
    [ValidateSet("Hour", "Day", IgnoreCase = true)]
    public string Granularity { get; set; } = "Hour";

    /// <summary>Only this caller's counts (object id).</summary>
    [Parameter]
    public string? Caller { get; set; }

    protected override void Process()
    {
        var daily = Granularity.Equals("Day", StringComparison.OrdinalIgnoreCase);
        var until = Until ?? DateTime.UtcNow;
        var since = Since ?? until.ToUniversalTime().AddDays(daily ? -7 : -1);
        var answer = Send(HttpMethod.Get, AuditUri($"{VaultPath(VaultName)}/usage",
            [("start", Iso(since)), ("end", Iso(until)), ("granularity", daily ? "day" : "hour")]), null).Body;
        var key = $"keys/{KeyName.ToLowerInvariant()}";
        foreach (var entry in answer?["keys"]?.AsArray() ?? [])
        {
            if (entry is null || Models.Wire.Text(entry["key"]) != key) continue;
            var lastUse = Models.Wire.Text(entry["lastUse"]) is { } t
                ? DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime : (DateTime?)null;
            foreach (var u in entry["usage"]?.AsArray() ?? [])
            {
                var usage = PSHsmVaultKeyUsage.From(VaultName, KeyName, daily ? "Day" : "Hour", lastUse, u!);
                if (Caller is null || usage.Caller.Equals(Caller, StringComparison.OrdinalIgnoreCase)) WriteObject(usage);
            }
        }
    }
}
