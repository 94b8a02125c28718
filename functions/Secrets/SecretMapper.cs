using HsmVault.Objects;
using HsmVault.Vaults;

namespace HsmVault.Secrets;

/// <summary>Maps stored secret rows to Key Vault wire shapes; ids are built from the vault's base URI.</summary>
public static class SecretMapper
{
    public static string IdOf(Vault vault, SecretEntity secret) => $"{vault.BaseUri}secrets/{secret.Name}/{secret.Version}";

    /// <summary>value is null for responses that must not carry it (update).</summary>
    public static SecretBundle Bundle(Vault vault, SecretEntity secret, string? value) =>
        new(value, IdOf(vault, secret), secret.ContentType, Attributes(secret), Tags(secret));

    public static SecretItem Item(Vault vault, SecretEntity secret) =>
        new($"{vault.BaseUri}secrets/{secret.Name}", Attributes(secret), Tags(secret), secret.ContentType);

    public static SecretItem VersionItem(Vault vault, SecretEntity secret) =>
        new(IdOf(vault, secret), Attributes(secret), Tags(secret), secret.ContentType);

    public static ObjectAttributesWire Attributes(SecretEntity secret) => ObjectAttributes.From(secret);

    public static IReadOnlyDictionary<string, string>? Tags(SecretEntity secret) => ObjectAttributes.Tags(secret);
}
