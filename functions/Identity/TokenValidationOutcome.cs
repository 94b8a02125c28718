using System.Diagnostics.CodeAnalysis;
using HsmVault.Objects;

namespace HsmVault.Identity;

/// <summary>The result of validating an Authorization header. <see cref="Error"/> is short and never contains the token.</summary>
public sealed record TokenValidationOutcome(CallerIdentity? Caller, string? Error)
{
    [MemberNotNullWhen(true, nameof(Caller))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Caller is not null;

    /// <summary>
    /// True when the token could not be checked because the issuer's metadata or keys could not be fetched.
    /// The caller may answer 503 instead of 401 in that case.
    /// </summary>
    public bool MetadataUnavailable { get; init; }

    public static TokenValidationOutcome Success(CallerIdentity caller) => new(caller, null);

    public static TokenValidationOutcome Failure(string error) => new(null, error);
}
