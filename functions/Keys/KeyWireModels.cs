using System.Text.Json.Serialization;
using HsmVault.Objects;

namespace HsmVault.Keys;

// Key Vault REST shapes (keys). Byte fields are base64url strings; times are Unix seconds.

public sealed class JsonWebKey
{
    [JsonPropertyName("kid")] public string? Kid { get; set; }
    [JsonPropertyName("kty")] public string? Kty { get; set; }
    [JsonPropertyName("key_ops")] public List<string>? KeyOps { get; set; }
    [JsonPropertyName("n")] public string? N { get; set; }
    [JsonPropertyName("e")] public string? E { get; set; }
    [JsonPropertyName("d")] public string? D { get; set; }
    [JsonPropertyName("dp")] public string? DP { get; set; }
    [JsonPropertyName("dq")] public string? DQ { get; set; }
    [JsonPropertyName("qi")] public string? QI { get; set; }
    [JsonPropertyName("p")] public string? P { get; set; }
    [JsonPropertyName("q")] public string? Q { get; set; }
    [JsonPropertyName("k")] public string? K { get; set; }
    [JsonPropertyName("key_hsm")] public string? KeyHsm { get; set; }
    [JsonPropertyName("crv")] public string? Crv { get; set; }
    [JsonPropertyName("x")] public string? X { get; set; }
    [JsonPropertyName("y")] public string? Y { get; set; }
}

public sealed record KeyBundle(
    [property: JsonPropertyName("key")] JsonWebKey Key,
    [property: JsonPropertyName("attributes")] ObjectAttributesWire Attributes,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string>? Tags);

public sealed record KeyItem(
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("attributes")] ObjectAttributesWire Attributes,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string>? Tags);

public sealed record KeyListResult(
    [property: JsonPropertyName("value")] IReadOnlyList<KeyItem> Value,
    [property: JsonPropertyName("nextLink")] string? NextLink);

public sealed class KeyCreateParameters
{
    [JsonPropertyName("kty")] public string? Kty { get; set; }
    [JsonPropertyName("key_size")] public int? KeySize { get; set; }
    [JsonPropertyName("public_exponent")] public long? PublicExponent { get; set; }
    [JsonPropertyName("key_ops")] public List<string>? KeyOps { get; set; }
    [JsonPropertyName("attributes")] public ObjectAttributesWire? Attributes { get; set; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
    [JsonPropertyName("crv")] public string? Crv { get; set; }
}

public sealed class KeyImportParameters
{
    [JsonPropertyName("Hsm")] public bool? Hsm { get; set; }
    [JsonPropertyName("key")] public JsonWebKey? Key { get; set; }
    [JsonPropertyName("attributes")] public ObjectAttributesWire? Attributes { get; set; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
}

public sealed class KeyUpdateParameters
{
    [JsonPropertyName("key_ops")] public List<string>? KeyOps { get; set; }
    [JsonPropertyName("attributes")] public ObjectAttributesWire? Attributes { get; set; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
}

/// <summary>Body of encrypt, decrypt, wrapKey and unwrapKey.</summary>
public sealed class KeyOperationParameters
{
    [JsonPropertyName("alg")] public string? Alg { get; set; }
    [JsonPropertyName("value")] public string? Value { get; set; }
    [JsonPropertyName("iv")] public string? Iv { get; set; }
    [JsonPropertyName("aad")] public string? Aad { get; set; }
    [JsonPropertyName("tag")] public string? Tag { get; set; }
}

public sealed record KeyOperationResult(
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("iv")] string? Iv = null,
    [property: JsonPropertyName("tag")] string? Tag = null,
    [property: JsonPropertyName("aad")] string? Aad = null);

public sealed class KeySignParameters
{
    [JsonPropertyName("alg")] public string? Alg { get; set; }
    [JsonPropertyName("value")] public string? Value { get; set; }
}

public sealed class KeyVerifyParameters
{
    [JsonPropertyName("alg")] public string? Alg { get; set; }
    [JsonPropertyName("digest")] public string? Digest { get; set; }
    [JsonPropertyName("value")] public string? Value { get; set; }
}

public sealed record KeyVerifyResult([property: JsonPropertyName("value")] bool Value);

public sealed class RandomBytesParameters
{
    [JsonPropertyName("count")] public int? Count { get; set; }
}

public sealed record RandomBytesResult([property: JsonPropertyName("value")] string Value);
