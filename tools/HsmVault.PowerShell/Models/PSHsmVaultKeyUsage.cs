using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>How often one caller did one operation on a key in one period (an hour or a day, UTC), with one result.</summary>
public sealed class PSHsmVaultKeyUsage
{
    public string VaultName { get; init; } = "";
    public string KeyName { get; init; } = "";
    /// <summary>The period's start (UTC).</summary>
    public DateTime Period { get; init; }
    public string Granularity { get; init; } = "";
    public string Operation { get; init; } = "";
    /// <summary>The caller's object id.</summary>
    public string Caller { get; init; } = "";
    /// <summary>Success or Failure.</summary>
    public string Result { get; init; } = "";
    public long Count { get; init; }
    /// <summary>The key's last use within the queried range (any caller).</summary>
    public DateTime? LastUse { get; init; }

    public static PSHsmVaultKeyUsage From(string vaultName, string keyName, string granularity, DateTime? lastUse, JsonNode u) => new()
    {
        VaultName = vaultName,
        KeyName = keyName,
        Granularity = granularity,
        Period = DateTimeOffset.Parse(Wire.Text(u["period"])!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime,
        Operation = Wire.Text(u["operation"]) ?? "",
        Caller = Wire.Text(u["caller"]) ?? "",
        Result = Wire.Text(u["result"]) ?? "",
        Count = u["count"]?.GetValue<long>() ?? 0,
        LastUse = lastUse,
    };
}
