using HsmVault.Storage;

namespace HsmVault.Objects;

/// <summary>
/// The identity of a versioned object (or of one version of it): the one place that builds its URI (a key's kid, a
/// secret's id), its recovery id, its audit object id and its row keys. A null <see cref="Version"/> means the name
/// (the current version).
/// </summary>
public readonly record struct ObjectId(ObjectKind Kind, Vault Vault, string Name, string? Version = null)
{
    public ObjectId WithVersion(string version) => this with { Version = version };

    /// <summary>https://{vault}/keys/{name}[/{version}]</summary>
    public string Uri => Version is null ? $"{Vault.BaseUri}{Kind.Collection}/{Name}" : $"{Vault.BaseUri}{Kind.Collection}/{Name}/{Version}";

    /// <summary>https://{vault}/deletedkeys/{name}</summary>
    public string RecoveryId => $"{Vault.BaseUri}{Kind.DeletedCollection}/{Name}";

    /// <summary>keys/{name}[/{version}] in audit records.</summary>
    public string AuditId => Version is null ? $"{Kind.Collection}/{Name}" : $"{Kind.Collection}/{Name}/{Version}";

    public string RowKey => Version is null ? VersionedEntity.CurrentRowKey(Name) : VersionedEntity.VersionRowKey(Name, Version);

    public static ObjectId Of(ObjectKind kind, Vault vault, VersionedEntity row) => new(kind, vault, row.Name, row.Version);

    public VaultException NotFound() => VaultException.NotFound(Kind.NotFoundCode,
        $"A {Kind.Noun} with (name/id) {Name}{(Version is null ? "" : "/" + Version)} was not found in this key vault.");

    public VaultException DeletedNotFound() => VaultException.NotFound(Kind.NotFoundCode, $"Deleted {Kind.Title} not found: {Name}");

    public VaultException RestoreConflict() => new(System.Net.HttpStatusCode.Conflict, "Conflict",
        $"There was a conflict restoring the {Kind.Noun} '{Uri}': a {Kind.Noun} with this name exists or is deleted but not yet purged.");

    public VaultException IsDeletedConflict() => new(System.Net.HttpStatusCode.Conflict, "Conflict",
        $"{Kind.Title} {Name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, " +
        $"the {Kind.Noun} can only be recovered or purged.", "ObjectIsDeletedButRecoverable");
}
