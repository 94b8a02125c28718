using System.Text.Json.Serialization;

namespace HsmVault.Management;

// Shapes follow ARM's Microsoft.KeyVault/vaults resource and its accessPolicies entries.

public sealed record VaultPutParameters(
    [property: JsonPropertyName("tags")] Dictionary<string, string>? Tags,
    [property: JsonPropertyName("properties")] VaultPutProperties? Properties);

public sealed record VaultPutProperties(
    [property: JsonPropertyName("tenantId")] string? TenantId,
    [property: JsonPropertyName("enabled")] bool? Enabled,
    [property: JsonPropertyName("softDeleteRetentionInDays")] int? SoftDeleteRetentionInDays,
    [property: JsonPropertyName("hsmTokenLabel")] string? HsmTokenLabel,
    [property: JsonPropertyName("accessPolicies")] List<AccessPolicyWire>? AccessPolicies,
    [property: JsonPropertyName("enableSoftDelete")] bool? EnableSoftDelete = null,
    [property: JsonPropertyName("enablePurgeProtection")] bool? EnablePurgeProtection = null,
    [property: JsonPropertyName("hsm")] HsmBindingWire? Hsm = null);

/// <summary>A vault's own HSM: module path, token label or serial, and the name of the app setting holding the PIN (never the PIN).</summary>
public sealed record HsmBindingWire(
    [property: JsonPropertyName("modulePath")] string? ModulePath,
    [property: JsonPropertyName("tokenLabel")] string? TokenLabel,
    [property: JsonPropertyName("tokenSerial")] string? TokenSerial,
    [property: JsonPropertyName("pinReference")] string? PinReference);

public sealed record VaultResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string> Tags,
    [property: JsonPropertyName("properties")] VaultResourceProperties Properties);

public sealed record VaultResourceProperties(
    [property: JsonPropertyName("tenantId")] string TenantId,
    [property: JsonPropertyName("vaultUri")] string VaultUri,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("softDeleteRetentionInDays")] int SoftDeleteRetentionInDays,
    [property: JsonPropertyName("hsmTokenLabel")] string HsmTokenLabel,
    [property: JsonPropertyName("createdAt")] long CreatedAt,
    [property: JsonPropertyName("updatedAt")] long UpdatedAt,
    [property: JsonPropertyName("accessPolicies")] IReadOnlyList<AccessPolicyWire>? AccessPolicies,
    [property: JsonPropertyName("enableSoftDelete")] bool EnableSoftDelete,
    [property: JsonPropertyName("enablePurgeProtection")] bool EnablePurgeProtection,
    [property: JsonPropertyName("hsm"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HsmBindingWire? Hsm = null);

/// <summary>ARM's Microsoft.KeyVault/deletedVaults resource.</summary>
public sealed record DeletedVaultResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("properties")] DeletedVaultProperties Properties);

public sealed record DeletedVaultProperties(
    [property: JsonPropertyName("vaultId")] string VaultId,
    [property: JsonPropertyName("deletionDate")] DateTimeOffset? DeletionDate,
    [property: JsonPropertyName("scheduledPurgeDate")] DateTimeOffset? ScheduledPurgeDate,
    [property: JsonPropertyName("tags")] IReadOnlyDictionary<string, string> Tags,
    [property: JsonPropertyName("purgeProtectionEnabled")] bool PurgeProtectionEnabled);

public sealed record AccessPolicyWire(
    [property: JsonPropertyName("tenantId")] string? TenantId,
    [property: JsonPropertyName("objectId")] string? ObjectId,
    [property: JsonPropertyName("applicationId")] string? ApplicationId,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("permissions")] PermissionsWire? Permissions);

public sealed record PermissionsWire(
    [property: JsonPropertyName("keys")] List<string>? Keys,
    [property: JsonPropertyName("secrets")] List<string>? Secrets);

public sealed record ListResult<T>([property: JsonPropertyName("value")] IReadOnlyList<T> Value);

public sealed record AccessPolicyDeleteResult([property: JsonPropertyName("removed")] int Removed);
