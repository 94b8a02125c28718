using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Storage;

namespace HsmVault.Keys;

/// <summary>A key's rotation policy: row <c>pol!{name}</c> in the vault's partition of the keys table.</summary>
public sealed class KeyRotationPolicyEntity : ITableEntity
{
    public const string Prefix = "pol!", PrefixEnd = "pol\"";
    public static string RowKeyOf(string name) => Prefix + name.ToLowerInvariant();

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    /// <summary>The policy's lifetime actions and expiry, as the wire shape's JSON (without id and times).</summary>
    public string Policy { get; set; } = "{}";
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Updated { get; set; }
    /// <summary>The key version a KeyNearExpiry notice was last written for (one notice per version).</summary>
    public string? NotifiedVersion { get; set; }

    public KeyRotationPolicy Parsed() => KeyRotationPolicy.Parse(JsonSerializer.Deserialize<KeyRotationPolicyWire>(Policy) ?? new());
}

/// <summary>Reads and writes rotation policies; GET of a key without one answers an empty policy, as Key Vault does.</summary>
public sealed class KeyRotationPolicies(Tables tables, ResiliencePipelines resilience, TimeProvider clock)
{
    public static string IdOf(OperationContext ctx, string name) => new ObjectId(ObjectKind.Key, ctx.Vault, name).Uri + "/rotationpolicy";

    public async Task<KeyRotationPolicyEntity?> FindAsync(string vault, string name, CancellationToken ct)
    {
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await tables.Keys.GetEntityIfExistsAsync<KeyRotationPolicyEntity>(vault, KeyRotationPolicyEntity.RowKeyOf(name), cancellationToken: t), ct);
        return row.HasValue ? row.Value : null;
    }

    public async Task<KeyRotationPolicyWire> GetAsync(OperationContext ctx, string name)
    {
        var row = await FindAsync(ctx.Vault.Name, name, ctx.Cancellation);
        return row is null
            ? new KeyRotationPolicyWire { Id = IdOf(ctx, name), LifetimeActions = [], Attributes = new KeyRotationPolicyAttributesWire() }
            : row.Parsed().ToWire(IdOf(ctx, name), row.Created, row.Updated);
    }

    public async Task<KeyRotationPolicyWire> PutAsync(OperationContext ctx, string name, KeyRotationPolicyWire wire)
    {
        var policy = KeyRotationPolicy.Parse(wire);
        var now = clock.GetUtcNow();
        var existing = await FindAsync(ctx.Vault.Name, name, ctx.Cancellation);
        var row = new KeyRotationPolicyEntity
        {
            PartitionKey = ctx.Vault.Name, RowKey = KeyRotationPolicyEntity.RowKeyOf(name), Name = name,
            Policy = JsonSerializer.Serialize(policy.ToWire("", null, null)), Created = existing?.Created ?? now, Updated = now,
            NotifiedVersion = existing?.NotifiedVersion,
        };
        await resilience.StorageWrite.ExecuteAsync(async t => await tables.Keys.UpsertEntityAsync(row, TableUpdateMode.Replace, t), ctx.Cancellation);
        return policy.ToWire(IdOf(ctx, name), row.Created, row.Updated);
    }

    public async Task DeleteAsync(string vault, string name, CancellationToken ct)
    {
        try
        {
            await resilience.StorageWrite.ExecuteAsync(async t =>
                await tables.Keys.DeleteEntityAsync(vault, KeyRotationPolicyEntity.RowKeyOf(name), ETag.All, t), ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>Every policy of every vault (for the rotation sweep).</summary>
    public async Task<List<KeyRotationPolicyEntity>> AllAsync(CancellationToken ct)
    {
        var rows = new List<KeyRotationPolicyEntity>();
        var filter = TableClient.CreateQueryFilter($"RowKey ge {KeyRotationPolicyEntity.Prefix} and RowKey lt {KeyRotationPolicyEntity.PrefixEnd}");
        await foreach (var row in tables.Keys.QueryAsync<KeyRotationPolicyEntity>(filter, cancellationToken: ct)) rows.Add(row);
        return rows;
    }

    /// <summary>Records that a KeyNearExpiry notice went out for <paramref name="version"/>; false if another instance changed the row.</summary>
    public async Task<bool> MarkNotifiedAsync(KeyRotationPolicyEntity row, string version, CancellationToken ct)
    {
        row.NotifiedVersion = version;
        try
        {
            await tables.Keys.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }
}
