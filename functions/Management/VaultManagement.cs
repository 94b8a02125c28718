using System.Net;
using System.Text.Json;
using HsmVault.Access;
using HsmVault.Hsm;
using HsmVault.Identity;
using HsmVault.Objects;
using HsmVault.Vaults;
using Microsoft.Extensions.Options;

namespace HsmVault.Management;

/// <summary>Create, read, update and delete vaults for operators.</summary>
public sealed class VaultManagement(VaultStore store, AccessPolicyStore policies, VaultHosts hosts, IOptions<AuthOptions> auth, IOptions<HsmOptions> hsm, TimeProvider clock)
{
    private const int MaxTags = 50;

    /// <summary>Creates the vault, or updates it if it exists; <c>Created</c> says which.</summary>
    public async Task<(bool Created, VaultResource Vault)> PutAsync(string name, VaultPutParameters body, CancellationToken ct)
    {
        name = VaultNames.Require(name);
        var p = body.Properties ?? new VaultPutProperties(null, null, null, null, null);
        var tags = Tags(body.Tags);
        var existing = await store.FindAsync(name, ct);
        if (existing is { Deleted: true })
            throw new VaultException(HttpStatusCode.Conflict, "ConflictError",
                $"Vault '{name}' was deleted and its name is reserved until it is purged ({existing.SoftDeleteRetentionDays} days after deletion).");
        if (existing is not null)
        {
            if (p.AccessPolicies is not null)
                throw VaultException.BadParameter("accessPolicies can be given when a vault is created; change them with the accessPolicies routes.");
            if (p.TenantId is { Length: > 0 } t && !AccessPolicyInput.Tenant(t).Equals(existing.TenantId, StringComparison.OrdinalIgnoreCase))
                throw VaultException.BadParameter("A vault's tenant cannot change: delete the vault and create one in the other tenant.");
            var updated = await store.CommitAsync(name, row =>
            {
                row.Tags = JsonSerializer.Serialize(tags);
                if (p.Enabled is { } enabled) row.Enabled = enabled;
                if (p.SoftDeleteRetentionInDays is { } days) row.SoftDeleteRetentionDays = Retention(days);
                if (p.HsmTokenLabel is { } label) row.HsmTokenLabel = TokenLabel(label);
            }, null, ct);
            return (false, ToResource(updated, null));
        }

        var tenant = p.TenantId is { Length: > 0 } tid ? AccessPolicyInput.Tenant(tid) : auth.Value.TenantId;
        var entity = new VaultEntity
        {
            Name = name, TenantId = tenant, Enabled = p.Enabled ?? true,
            SoftDeleteRetentionDays = Retention(p.SoftDeleteRetentionInDays ?? 90),
            HsmTokenLabel = TokenLabel(p.HsmTokenLabel), Tags = JsonSerializer.Serialize(tags),
        };
        var entries = (p.AccessPolicies ?? []).Select(w => AccessPolicyInput.ToEntity(name, tenant, null, null, w)).ToList();
        if (entries.GroupBy(e => e.RowKey).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw VaultException.BadParameter($"accessPolicies names the same object and key scope twice ({twice.First().RowKey}); merge those entries.");
        if (entries.Count > 99)
            throw VaultException.BadParameter("A vault can be created with at most 99 access policy entries; add more with the accessPolicies routes.");
        if (entries.Count > 99) throw VaultException.BadParameter("A vault is created with at most 99 access policy entries; add more afterwards.");
        var (created, row) = await store.CreateAsync(entity, entries, ct);
        if (!created) throw new VaultException(HttpStatusCode.Conflict, "ConflictError", $"Vault '{name}' was created by another request at the same time; retry.");
        return (true, ToResource(row, entries));
    }

    public async Task<VaultResource> PatchAsync(string name, VaultPutParameters body, CancellationToken ct)
    {
        name = VaultNames.Require(name);
        var p = body.Properties;
        if (p?.AccessPolicies is not null || p?.TenantId is not null)
            throw VaultException.BadParameter("PATCH changes tags, enabled, softDeleteRetentionInDays and hsmTokenLabel only.");
        var tags = body.Tags is null ? null : Tags(body.Tags);
        var updated = await store.CommitAsync(name, row =>
        {
            if (tags is not null) row.Tags = JsonSerializer.Serialize(tags);
            if (p?.Enabled is { } enabled) row.Enabled = enabled;
            if (p?.SoftDeleteRetentionInDays is { } days) row.SoftDeleteRetentionDays = Retention(days);
            if (p?.HsmTokenLabel is { } label) row.HsmTokenLabel = TokenLabel(label);
        }, null, ct);
        return ToResource(updated, null);
    }

    public async Task<VaultResource> GetAsync(string name, CancellationToken ct)
    {
        name = VaultNames.Require(name);
        var row = await store.GetLiveAsync(name, ct);
        var entries = await policies.ListAsync(name, ct);
        return ToResource(row, entries);
    }

    public async Task<ListResult<VaultResource>> ListAsync(CancellationToken ct)
    {
        var rows = await store.ListLiveAsync(ct);
        return new ListResult<VaultResource>(rows.OrderBy(r => r.Name).Select(r => ToResource(r, null)).ToList());
    }

    /// <summary>
    /// Soft delete: the vault stops serving at once (every instance within the staleness bound), its policies go, and its
    /// name stays reserved with its keys until purge, so a new vault of that name can never see the old vault's keys.
    /// </summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        name = VaultNames.Require(name);
        var entries = await policies.ListAsync(name, ct);
        await store.CommitAsync(name, row =>
        {
            row.Deleted = true;
            row.Enabled = false;
            row.DeletedOn = clock.GetUtcNow();
        }, _ => entries.Select(e => new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.Delete, e, Azure.ETag.All)), ct);
    }

    private VaultResource ToResource(VaultEntity row, IReadOnlyList<AccessPolicyEntity>? entries) => new(
        $"/providers/HsmVault/vaults/{row.Name}", row.Name, "Microsoft.KeyVault/vaults",
        JsonSerializer.Deserialize<Dictionary<string, string>>(string.IsNullOrEmpty(row.Tags) ? "{}" : row.Tags) ?? [],
        new VaultResourceProperties(row.TenantId, hosts.BaseUriOf(row.Name).ToString(), row.Enabled, row.SoftDeleteRetentionDays,
            row.HsmTokenLabel, row.Created.ToUnixTimeSeconds(), row.Updated.ToUnixTimeSeconds(),
            entries?.Select(AccessPolicyInput.ToWire).ToList()));

    private static Dictionary<string, string> Tags(Dictionary<string, string>? tags)
    {
        tags ??= [];
        if (tags.Count > MaxTags) throw VaultException.BadParameter($"A vault has at most {MaxTags} tags.");
        foreach (var (k, v) in tags)
            if (k.Length is 0 or > 512 || (v ?? "").Length > 256)
                throw VaultException.BadParameter("Tag names are 1-512 characters and tag values at most 256.");
        return tags;
    }

    private static int Retention(int days) => days is >= 7 and <= 90
        ? days
        : throw VaultException.BadParameter("softDeleteRetentionInDays must be between 7 and 90.");

    /// <summary>One HSM token per process for now: a vault names the configured token or none (which means that one).</summary>
    private string TokenLabel(string? label)
    {
        var configured = hsm.Value.TokenLabel ?? "";
        if (string.IsNullOrEmpty(label)) return configured;
        return label == configured
            ? label
            : throw VaultException.BadParameter($"This deployment serves vaults from one HSM token ('{configured}'); hsmTokenLabel '{label}' is not available.");
    }
}
