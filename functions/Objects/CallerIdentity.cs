namespace HsmVault.Objects;

/// <summary>The authenticated caller, taken from a validated access token.</summary>
/// <param name="ObjectId">The <c>oid</c> claim: the principal that access policies name.</param>
/// <param name="TenantId">The <c>tid</c> claim.</param>
/// <param name="AppId">The client application: <c>appid</c> (v1 tokens) or <c>azp</c> (v2 tokens); null if neither is present.</param>
/// <param name="Groups">The <c>groups</c> claim values (empty if none).</param>
/// <param name="Roles">The <c>roles</c> claim values (empty if none).</param>
public sealed record CallerIdentity(
    string ObjectId,
    string TenantId,
    string? AppId,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Roles);
