using System.Text.Json;
using System.Text.Json.Serialization;
using HsmVault.Storage;

namespace HsmVault.Objects;

/// <summary>The attributes of a key or secret on the wire (Unix seconds).</summary>
public sealed class ObjectAttributesWire
{
    [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
    [JsonPropertyName("nbf")] public long? NotBefore { get; set; }
    [JsonPropertyName("exp")] public long? Expires { get; set; }
    [JsonPropertyName("created")] public long? Created { get; set; }
    [JsonPropertyName("updated")] public long? Updated { get; set; }
    [JsonPropertyName("recoveryLevel")] public string? RecoveryLevel { get; set; }
    /// <summary>Keys only: HSM keys are never exportable.</summary>
    [JsonPropertyName("exportable")] public bool? Exportable { get; set; }
}

/// <summary>Attributes, tags and times of keys and secrets, with the limits Key Vault applies to both.</summary>
public static class ObjectAttributes
{
    public const int MaxTags = 15;
    public const int MaxTagNameLength = 512;
    public const int MaxTagValueLength = 256;
    private const long MaxUnixSeconds = 253402300799; // 9999-12-31T23:59:59Z

    public static ObjectAttributesWire From(VersionedEntity row, bool? exportable = null) => new()
    {
        Enabled = row.Enabled,
        NotBefore = row.NotBefore?.ToUnixTimeSeconds(),
        Expires = row.Expires?.ToUnixTimeSeconds(),
        Created = row.Created.ToUnixTimeSeconds(),
        Updated = row.Updated.ToUnixTimeSeconds(),
        RecoveryLevel = "Purgeable", // no soft delete yet
        Exportable = exportable,
    };

    public static DateTimeOffset? Time(long? unixSeconds, string field)
    {
        if (unixSeconds is not { } s) return null;
        if (s is < 0 or > MaxUnixSeconds) throw VaultException.BadParameter($"Attribute '{field}' is not a valid Unix time.");
        return DateTimeOffset.FromUnixTimeSeconds(s);
    }

    /// <summary>Checks tags against Key Vault's limits; <paramref name="kind"/> ("key", "secret") names the object in errors.</summary>
    public static Dictionary<string, string>? ValidateTags(Dictionary<string, string>? tags, string kind)
    {
        if (tags is null) return null;
        if (tags.Count > MaxTags) throw VaultException.BadParameter($"A {kind} may have at most {MaxTags} tags.");
        foreach (var (name, value) in tags)
            if (name.Length is 0 or > MaxTagNameLength || (value?.Length ?? 0) > MaxTagValueLength)
                throw VaultException.BadParameter(
                    $"Tag names are 1-{MaxTagNameLength} characters and tag values at most {MaxTagValueLength} characters.");
        return tags;
    }

    public static IReadOnlyDictionary<string, string>? Tags(VersionedEntity row) =>
        row.Tags is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(row.Tags);

    public static string? SerializeTags(Dictionary<string, string>? tags) => tags is null ? null : JsonSerializer.Serialize(tags);
}
