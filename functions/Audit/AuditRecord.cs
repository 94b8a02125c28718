namespace HsmVault.Audit;

/// <summary>
/// One operation as security officers see it. Holds identifiers and outcomes only: never a key, secret value,
/// plaintext, PIN or token.
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
    string? KeyEncryptionKey = null);
