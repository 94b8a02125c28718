using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HsmVault.Audit;

/// <summary>
/// A record as stored, in Azure Key Vault's diagnostic <c>AuditEvent</c> schema (so tools that read Key Vault logs read
/// these), plus <c>hsmvault</c>: the record's place in its writer's hash chain.
/// </summary>
public sealed class AuditEvent
{
    public const string Category = "AuditEvent";
    public const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    public const string TenantIdClaim = "http://schemas.microsoft.com/identity/claims/tenantid";
    public const string UpnClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";
    public const string AppIdClaim = "appid";

    [JsonPropertyName("time")] public DateTimeOffset Time { get; set; }
    [JsonPropertyName("resourceId")] public string ResourceId { get; set; } = "";
    [JsonPropertyName("operationName")] public string OperationName { get; set; } = "";
    [JsonPropertyName("operationVersion")] public string OperationVersion { get; set; } = "";
    [JsonPropertyName("category")] public string CategoryName { get; set; } = Category;
    [JsonPropertyName("resultType")] public string ResultType { get; set; } = "";
    [JsonPropertyName("resultSignature")] public string ResultSignature { get; set; } = "";
    [JsonPropertyName("resultDescription")] public string ResultDescription { get; set; } = "";
    /// <summary>A string, as Key Vault writes it.</summary>
    [JsonPropertyName("durationMs")] public string DurationMs { get; set; } = "0";
    [JsonPropertyName("callerIpAddress")] public string CallerIpAddress { get; set; } = "";
    [JsonPropertyName("correlationId")] public string CorrelationId { get; set; } = "";
    [JsonPropertyName("identity")] public AuditIdentity? Identity { get; set; }
    [JsonPropertyName("properties")] public AuditProperties Properties { get; set; } = new();
    [JsonPropertyName("hsmvault")] public ChainLink? Chain { get; set; }

    public static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static AuditEvent From(AuditRecord r, string resourceId)
    {
        var vaultHost = Uri.TryCreate(r.RequestUri, UriKind.Absolute, out var uri) ? uri.Authority : r.Vault;
        var claims = new Dictionary<string, string>();
        if (r.CallerObjectId is { } oid) claims[ObjectIdClaim] = oid;
        if (r.CallerAppId is { } app) claims[AppIdClaim] = app;
        if (r.CallerTenantId is { } tid) claims[TenantIdClaim] = tid;
        if (r.Upn is { } upn) claims[UpnClaim] = upn;
        var success = r.Status is >= 200 and < 400;
        return new AuditEvent
        {
            Time = r.Time.ToUniversalTime(),
            ResourceId = resourceId,
            OperationName = r.Operation,
            OperationVersion = r.ApiVersion ?? "",
            ResultType = success ? "Success" : "Failure",
            ResultSignature = SignatureOf(r.Status),
            ResultDescription = success ? "" : r.Result,
            DurationMs = ((long)Math.Round(r.LatencyMs)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            CallerIpAddress = r.ClientIp ?? "",
            CorrelationId = r.CorrelationId,
            Identity = claims.Count == 0 ? null : new AuditIdentity { Claim = claims },
            Properties = new AuditProperties
            {
                Id = r.ObjectId is null ? $"https://{vaultHost}/" : $"https://{vaultHost}/{r.ObjectId}",
                RequestUri = r.RequestUri ?? "",
                HttpStatusCode = r.Status,
                ClientInfo = r.ClientInfo ?? "",
                Algorithm = r.Algorithm,
                Count = r.Count,
                WindowStart = r.WindowStart?.ToUniversalTime(),
                KeyEncryptionKey = r.KeyEncryptionKey,
            },
        };
    }

    /// <summary>Key Vault's resultSignature: the status code's reason phrase without spaces (OK, Forbidden, TooManyRequests…).</summary>
    internal static string SignatureOf(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class AuditIdentity
{
    [JsonPropertyName("claim")] public Dictionary<string, string> Claim { get; set; } = new();
}

public sealed class AuditProperties
{
    /// <summary>The object the operation touched (https://vault/keys/name/version), or the vault's URL.</summary>
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("requestUri")] public string RequestUri { get; set; } = "";
    [JsonPropertyName("httpStatusCode")] public int HttpStatusCode { get; set; }
    [JsonPropertyName("clientInfo")] public string ClientInfo { get; set; } = "";
    [JsonPropertyName("algorithm")] public string? Algorithm { get; set; }
    /// <summary>Aggregates of failures before authentication: number of requests in the window.</summary>
    [JsonPropertyName("count")] public long? Count { get; set; }
    [JsonPropertyName("windowStart")] public DateTimeOffset? WindowStart { get; set; }
    /// <summary>BYOK import: the key exchange key that unwrapped the customer's blob.</summary>
    [JsonPropertyName("keyEncryptionKey")] public string? KeyEncryptionKey { get; set; }
}
