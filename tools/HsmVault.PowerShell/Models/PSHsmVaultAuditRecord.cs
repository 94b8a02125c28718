using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>One audit record (Key Vault's AuditEvent schema) flattened for the pipeline: who did what to which object, and how it ended.</summary>
public sealed class PSHsmVaultAuditRecord
{
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private const string TenantIdClaim = "http://schemas.microsoft.com/identity/claims/tenantid";
    private const string UpnClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";

    public string VaultName { get; init; } = "";
    public DateTime Time { get; init; }
    public string OperationName { get; init; } = "";
    public string ResultType { get; init; } = "";
    public string ResultSignature { get; init; } = "";
    /// <summary>The vault's error code of a failure; empty on success.</summary>
    public string ResultDescription { get; init; } = "";
    public int HttpStatusCode { get; init; }
    /// <summary>The caller's object id (oid claim).</summary>
    public string? Caller { get; init; }
    public string? ApplicationId { get; init; }
    public string? TenantId { get; init; }
    public string? Upn { get; init; }
    public string CallerIpAddress { get; init; } = "";
    public string CorrelationId { get; init; } = "";
    /// <summary>The object touched, "keys/name/version" (empty for vault-wide operations).</summary>
    public string? ObjectPath { get; init; }
    /// <summary>The key or secret name of <see cref="ObjectPath"/>.</summary>
    public string? ObjectName { get; init; }
    public string? Algorithm { get; init; }
    public long DurationMs { get; init; }
    public string RequestUri { get; init; } = "";
    public string ClientInfo { get; init; } = "";

    public static PSHsmVaultAuditRecord From(string vaultName, JsonNode r)
    {
        var claims = r["identity"]?["claim"];
        var props = r["properties"];
        var path = Uri.TryCreate(Wire.Text(props?["id"]), UriKind.Absolute, out var id) ? id.AbsolutePath.Trim('/') : "";
        return new PSHsmVaultAuditRecord
        {
            VaultName = vaultName,
            Time = DateTimeOffset.Parse(Wire.Text(r["time"])!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime,
            OperationName = Wire.Text(r["operationName"]) ?? "",
            ResultType = Wire.Text(r["resultType"]) ?? "",
            ResultSignature = Wire.Text(r["resultSignature"]) ?? "",
            ResultDescription = Wire.Text(r["resultDescription"]) ?? "",
            HttpStatusCode = props?["httpStatusCode"]?.GetValue<int>() ?? 0,
            Caller = Wire.Text(claims?[ObjectIdClaim]),
            ApplicationId = Wire.Text(claims?["appid"]),
            TenantId = Wire.Text(claims?[TenantIdClaim]),
            Upn = Wire.Text(claims?[UpnClaim]),
            CallerIpAddress = Wire.Text(r["callerIpAddress"]) ?? "",
            CorrelationId = Wire.Text(r["correlationId"]) ?? "",
            ObjectPath = path.Length == 0 ? null : path,
            ObjectName = path.Split('/') is { Length: >= 2 } parts ? parts[1] : null,
            Algorithm = Wire.Text(props?["algorithm"]),
            DurationMs = long.TryParse(Wire.Text(r["durationMs"]), out var ms) ? ms : 0,
            RequestUri = Wire.Text(props?["requestUri"]) ?? "",
            ClientInfo = Wire.Text(props?["clientInfo"]) ?? "",
        };
    }
}
