using Azure;
using Azure.Data.Tables;

namespace HsmVault.Storage;

/// <summary>
/// A versioned object's row (a key or a secret version), in its vault's partition. Two rows per version share this shape:
/// <c>ver!{name}!{version}</c> (every version) and <c>cur!{name}</c> (a copy of the current version, for "get latest" in
/// one read and for listing), written together in one entity-group transaction. A soft-deleted object has no
/// <c>cur!</c> row but a <c>del!{name}</c> row (the current version with its deletion dates), and every version row
/// is marked <see cref="Deleted"/> so that no version can be used until it is recovered.
/// </summary>
public abstract class VersionedEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? Expires { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Updated { get; set; }
    /// <summary>Tags as a JSON object.</summary>
    public string? Tags { get; set; }
    /// <summary>
    /// A tombstone in the place of a version whose write failed (see <see cref="VersionedStore{T}.SettleAsync"/>): it makes
    /// that write fail for good if it was still on its way. Readers never see it.
    /// </summary>
    public bool Abandoned { get; set; }

    /// <summary>Version rows of a soft-deleted object: unusable until recovered.</summary>
    public bool Deleted { get; set; }
    /// <summary><c>del!</c> row only: when the object was deleted and when the scheduled purge removes it.</summary>
    public DateTimeOffset? DeletedOn { get; set; }
    public DateTimeOffset? ScheduledPurge { get; set; }
    /// <summary><c>del!</c> row only: a purge has begun (it can no longer be recovered); the purge sweep finishes it.</summary>
    public bool Purging { get; set; }

    public static string CurrentRowKey(string name) => "cur!" + name.ToLowerInvariant();
    public static string VersionRowKey(string name, string version) => $"ver!{name.ToLowerInvariant()}!{version.ToLowerInvariant()}";
    // '"' is the character after '!', so [prefix!, prefix") spans exactly the rows under a prefix.
    public const string CurrentPrefixFrom = "cur!";
    public const string CurrentPrefixTo = "cur\"";
    public static string VersionsFrom(string name) => $"ver!{name.ToLowerInvariant()}!";
    public static string VersionsTo(string name) => $"ver!{name.ToLowerInvariant()}\"";
    public static string DeletedRowKey(string name) => "del!" + name.ToLowerInvariant();
    public const string DeletedPrefixFrom = "del!";
    public const string DeletedPrefixTo = "del\"";

    /// <summary>A copy of this row under another row key, without an ETag (for the current-version copy).</summary>
    public T CopyAs<T>(string rowKey) where T : VersionedEntity
    {
        var copy = (T)MemberwiseClone();
        copy.RowKey = rowKey;
        copy.ETag = default;
        return copy;
    }
}
