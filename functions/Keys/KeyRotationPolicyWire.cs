using System.Text.Json.Serialization;

namespace HsmVault.Keys;

// Key Vault REST shapes (rotation policy, api-version 7.3+). Durations are ISO-8601 (P90D, P1Y); times are Unix seconds.

public sealed class KeyRotationPolicyWire
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("lifetimeActions")] public List<LifetimeActionWire>? LifetimeActions { get; set; }
    [JsonPropertyName("attributes")] public KeyRotationPolicyAttributesWire? Attributes { get; set; }
}

public sealed class LifetimeActionWire
{
    [JsonPropertyName("trigger")] public LifetimeTriggerWire? Trigger { get; set; }
    [JsonPropertyName("action")] public LifetimeActionTypeWire? Action { get; set; }
}

public sealed class LifetimeTriggerWire
{
    [JsonPropertyName("timeAfterCreate")] public string? TimeAfterCreate { get; set; }
    [JsonPropertyName("timeBeforeExpiry")] public string? TimeBeforeExpiry { get; set; }
}

public sealed class LifetimeActionTypeWire
{
    [JsonPropertyName("type")] public string? Type { get; set; }
}

public sealed class KeyRotationPolicyAttributesWire
{
    [JsonPropertyName("expiryTime")] public string? ExpiryTime { get; set; }
    [JsonPropertyName("created")] public long? Created { get; set; }
    [JsonPropertyName("updated")] public long? Updated { get; set; }
}
