using HsmVault.Objects;

namespace HsmVault.Management;

/// <summary>What a management operation knows of its call once the pipeline has checked the operator: no HTTP types.</summary>
public class ManagementCall(CallerIdentity caller, string apiVersion, CancellationToken cancellation)
{
    public CallerIdentity Caller { get; } = caller;
    public string ApiVersion { get; } = apiVersion;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Object the operation touched (e.g. accessPolicies/oid/scope), recorded in the audit log.</summary>
    public string? AuditObjectId { get; set; }
}
