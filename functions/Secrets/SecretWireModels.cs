using System.Text.Json.Serialization;
using HsmVault.Objects;

namespace HsmVault.Secrets;

// Key Vault REST shapes (secrets). Times are Unix seconds.

/// <summary>A secret version with its value (get, set) or without it (update).</summary>
public sealed record SecretBundle(
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("contentType")] string? ContentType,
    [property: JsonPropertyName("attributes")] ObjectAttributesWire Attributes,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string>? Tags);

/// <summary>A list entry: never a value.</summary>
public sealed record SecretItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("attributes")] ObjectAttributesWire Attributes,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string>? Tags,
    [property: JsonPropertyName("contentType")] string? ContentType);

public sealed record SecretListResult(
    [property: JsonPropertyName("value")] IReadOnlyList<SecretItem> Value,
    [property: JsonPropertyName("nextLink")] string? NextLink);

public sealed class SecretSetParameters
{
    [JsonPropertyName("value")] public string? Value { get; set; }
    [JsonPropertyName("contentType")] public string? ContentType { get; set; }
    [JsonPropertyName("attributes")] public ObjectAttributesWire? Attributes { get; set; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
}

public sealed class SecretUpdateParameters
{
    [JsonPropertyName("contentType")] public string? ContentType { get; set; }
    [JsonPropertyName("attributes")] public ObjectAttributesWire? Attributes { get; set; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
}
