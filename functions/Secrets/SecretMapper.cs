using HsmVault.Objects;

namespace HsmVault.Secrets;

/// <summary>Maps stored secret rows to Key Vault wire shapes; ids come from <see cref="ObjectId"/>.</summary>
public static class SecretMapper
{
    private static ObjectId IdOf(Vault vault, SecretEntity secret) => ObjectId.Of(ObjectKind.Secret, vault, secret);

    /// <summary>value is null for responses that must not carry it (update, recover).</summary>
    public static SecretBundle Bundle(Vault vault, SecretEntity secret, string? value) =>
        new(value, IdOf(vault, secret).Uri, secret.ContentType, Attributes(vault, secret), ObjectAttributes.Tags(secret));

    public static SecretItem Item(Vault vault, SecretEntity secret) =>
        new((IdOf(vault, secret) with { Version = null }).Uri, Attributes(vault, secret), ObjectAttributes.Tags(secret), secret.ContentType);

    public static SecretItem VersionItem(Vault vault, SecretEntity secret) =>
        new(IdOf(vault, secret).Uri, Attributes(vault, secret), ObjectAttributes.Tags(secret), secret.ContentType);

    /// <summary>A deleted secret: never its value.</summary>
    public static DeletedSecretBundle Deleted(Vault vault, SecretEntity secret) =>
        new(IdOf(vault, secret).Uri, secret.ContentType, Attributes(vault, secret), ObjectAttributes.Tags(secret),
            IdOf(vault, secret).RecoveryId, secret.ScheduledPurge?.ToUnixTimeSeconds(), secret.DeletedOn?.ToUnixTimeSeconds());

    public static DeletedSecretItem DeletedItem(Vault vault, SecretEntity secret) =>
        new((IdOf(vault, secret) with { Version = null }).Uri, Attributes(vault, secret), ObjectAttributes.Tags(secret), secret.ContentType,
            IdOf(vault, secret).RecoveryId, secret.ScheduledPurge?.ToUnixTimeSeconds(), secret.DeletedOn?.ToUnixTimeSeconds());

    public static ObjectAttributesWire Attributes(Vault vault, SecretEntity secret) => ObjectAttributes.From(secret, vault);
}
