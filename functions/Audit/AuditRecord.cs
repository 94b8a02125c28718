namespace HsmVault.Audit;

/// <summary>
/// One operation as security officers see it. Holds identifiers and outcomes only: never a key, secret value,
/// plaintext, PIN or token. <see cref="RequestUri"/> is the path and query of the request (no body).
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string Vault,
    string? CallerObjectId,
    string? CallerAppId,
    string? CallerTenantId,
    string? ClientIp,
    string Operation,
    string? ObjectId,
    string? Algorithm,
    int Status,
    string Result,
    double LatencyMs,
    string CorrelationId,
    string? ApiVersion = null,
    string? RequestUri = null,
    string? ClientInfo = null,
    string? Upn = null,
    /// <summary>For an aggregate of failures before authentication: how many, over which window.</summary>
    long? Count = null,
    DateTimeOffset? WindowStart = null,
    /// <summary>BYOK import: the key exchange key that unwrapped the blob.</summary>
    string? KeyEncryptionKey = null);
