namespace HsmVault.Objects;

/// <summary>
/// What an operation on a vault's objects knows once the request is authenticated and authorized: the vault, the caller,
/// the api-version, cancellation, and what it records for audit. No HTTP types: the Http floor builds it.
/// </summary>
public class OperationContext(Vault vault, CallerIdentity caller, string apiVersion, CancellationToken cancellation)
{
    public Vault Vault { get; } = vault;
    public CallerIdentity Caller { get; } = caller;
    public string ApiVersion { get; } = apiVersion;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Object the operation touched (e.g. keys/name/version), recorded in the audit log.</summary>
    public string? AuditObjectId { get; set; }
    public string? AuditAlgorithm { get; set; }
}
