namespace HsmVault.Objects;

/// <summary>
/// A kind of versioned object (keys, secrets, later certificates): its collection in URLs and audit ids, and the Key
/// Vault error codes and words its messages use.
/// </summary>
public sealed record ObjectKind(string Noun, string Collection, string NotFoundCode)
{
    public static readonly ObjectKind Key = new("key", "keys", "KeyNotFound");
    public static readonly ObjectKind Secret = new("secret", "secrets", "SecretNotFound");

    /// <summary>"Key", "Secret": as Key Vault's messages capitalise it.</summary>
    public string Title => char.ToUpperInvariant(Noun[0]) + Noun[1..];
    public string DeletedCollection => "deleted" + Collection;
}
