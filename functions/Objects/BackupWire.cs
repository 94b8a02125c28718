using System.Text.Json.Serialization;

namespace HsmVault.Objects;

/// <summary>A backup (keys and secrets): the opaque blob, base64url.</summary>
public sealed record BackupResult([property: JsonPropertyName("value")] string Value);

/// <summary>The body of a restore (keys and secrets).</summary>
public sealed class BackupRestoreParameters
{
    [JsonPropertyName("value")] public string? Value { get; set; }
}
