namespace HsmVault.Objects;

/// <summary>
/// A vault bound to a customer's own HSM: a PKCS#11 module on the operator's allowlist, a token (label or serial) and the
/// <em>name</em> of the app setting holding its user PIN (<c>HsmVault__HsmPins__{PinReference}</c>). The PIN itself is
/// never stored with the vault, shown or logged.
/// </summary>
public sealed record HsmBinding(string ModulePath, string? TokenLabel, string? TokenSerial, string PinReference)
{
    /// <summary>One guarded token (sessions, probe, health, breaker) per module and token.</summary>
    public string TokenId => $"{ModulePath}#{(string.IsNullOrEmpty(TokenLabel) ? "serial:" + TokenSerial : TokenLabel)}";
}
