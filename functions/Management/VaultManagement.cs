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
public sealed partial class VaultManagement(VaultStore store, AccessPolicyStore policies, VaultHosts hosts, VaultPurge purge, IOptions<AuthOptions> auth,
    IOptions<HsmOptions> hsm, VaultHsms hsms, Storage.Tables tables, TimeProvider clock)
{
    private const int MaxTags = 50;
    /// <summary>One entity-group transaction holds 100 rows: the vault row and at most 99 policy entries.</summary>
    private const int MaxCreatePolicies = 99;

    /// <summary>Creates the vault, or updates it if it exists; <c>Created</c> says which.</summary>
    public async Task<(bool Created, VaultResource Vault)> PutAsync(string name, VaultPutParameters body, CancellationToken ct)
    {
        name = VaultNames.Require(name);
        var p = body.Properties ?? new VaultPutProperties(null, null, null, null, null);
        SoftDeleteOn(p);
        var tags = Tags(body.Tags);
        var existing = await store.FindAsync(name, ct);
        if (existing is { Deleted: true })
            throw new VaultException(HttpStatusCode.Conflict, "Conflict",
                $"Vault '{name}' was deleted and its name is reserved until it is purged ({existing.SoftDeleteRetentionDays} days after deletion).");
        if (existing is not null)
        {
            if (p.AccessPolicies is not null)
                throw VaultException.BadParameter("accessPolicies can be given when a vault is created; change them with the accessPolicies routes.");
            if (p.TenantId is { Length: > 0 } t && !AccessPolicyInput.Tenant(t).Equals(existing.TenantId, StringComparison.OrdinalIgnoreCase))
                throw VaultException.BadParameter("A vault's tenant cannot change: delete the vault and create one in the other tenant.");
            var binding = await RebindAsync(existing, p.Hsm, ct);
            var updated = await store.CommitAsync(name, row =>
            {
                row.Tags = JsonSerializer.Serialize(tags);
                if (p.Enabled is { } enabled) row.Enabled = enabled;
                Lifecycle(row, p);
                SetHsm(row, binding, p.HsmTokenLabel);
            }, null, ct);
            return (false, ToResource(updated, null));
        }

        var tenant = p.TenantId is { Length: > 0 } tid ? AccessPolicyInput.Tenant(tid) : auth.Value.TenantId;
        var entity = new VaultEntity
        {
            Name = name, TenantId = tenant, Enabled = p.Enabled ?? true,
            SoftDeleteRetentionDays = Retention(p.SoftDeleteRetentionInDays ?? Recovery.DefaultRetentionDays),
            EnablePurgeProtection = p.EnablePurgeProtection ?? false,
            Tags = JsonSerializer.Serialize(tags),
        };
        SetHsm(entity, p.Hsm is null ? null : Validate(p.Hsm), p.HsmTokenLabel);
        var entries = (p.AccessPolicies ?? []).Select(w => AccessPolicyInput.ToEntity(name, tenant, null, null, w)).ToList();
        if (entries.GroupBy(e => e.RowKey).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw VaultException.BadParameter($"accessPolicies names the same object and key scope twice ({twice.First().RowKey}); merge those entries.");
        if (entries.Count > MaxCreatePolicies)
            throw VaultException.BadParameter(
                $"A vault can be created with at most {MaxCreatePolicies} access policy entries; add more with the accessPolicies routes.");
        var (created, row) = await store.CreateAsync(entity, entries, ct);
        if (!created) throw new VaultException(HttpStatusCode.Conflict, "Conflict", $"Vault '{name}' was created by another request at the same time; retry.");
        return (true, ToResource(row, entries));
    }

    public async Task<VaultResource> PatchAsync(string name, VaultPutParameters body, CancellationToken ct)
    {
        name = VaultNames.Require(name);
        var p = body.Properties;
        if (p?.AccessPolicies is not null || p?.TenantId is not null)
            throw VaultException.BadParameter("PATCH changes tags, enabled, enablePurgeProtection, hsmTokenLabel and hsm only.");
        if (p is not null) SoftDeleteOn(p);
        var tags = body.Tags is null ? null : Tags(body.Tags);
        var binding = p?.Hsm is null ? null : await RebindAsync(await store.GetLiveAsync(name, ct), p.Hsm, ct);
        var updated = await store.CommitAsync(name, row =>
        {
            if (tags is not null) row.Tags = JsonSerializer.Serialize(tags);
            if (p?.Enabled is { } enabled) row.Enabled = enabled;
            if (p is not null) Lifecycle(row, p);
            if (binding is not null || p?.HsmTokenLabel is not null) SetHsm(row, binding, p?.HsmTokenLabel);
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
    /// Soft delete: the vault stops serving at once (every instance within the staleness bound) and its name stays
    /// reserved, with its keys, secrets and access policies, until it is recovered or purged (by hand, or by the vault
    /// purge sweep once its retention has passed), so a new vault of that name can never see the old vault's objects.
    /// </summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        name = VaultNames.Require(name);
        await store.CommitAsync(name, row =>
        {
            row.Deleted = true;
            row.DeletedOn = clock.GetUtcNow();
        }, null, ct);
    }

    public async Task<ListResult<DeletedVaultResource>> ListDeletedAsync(CancellationToken ct)
    {
        var rows = await store.ListDeletedAsync(ct);
        return new ListResult<DeletedVaultResource>(rows.Where(r => !r.Purging).OrderBy(r => r.Name).Select(ToDeleted).ToList());
    }

    public async Task<DeletedVaultResource> GetDeletedAsync(string name, CancellationToken ct) => ToDeleted(await FindDeletedAsync(name, ct));

    /// <summary>Brings a deleted vault back as it was: its objects and access policies serve again.</summary>
    public async Task<VaultResource> RecoverAsync(string name, CancellationToken ct)
    {
        await FindDeletedAsync(name, ct);
        var row = await store.CommitDeletedAsync(VaultNames.Require(name), r =>
        {
            r.Deleted = false;
            r.DeletedOn = null;
        }, ct);
        return ToResource(row, await policies.ListAsync(row.Name, ct));
    }

    /// <summary>Purges a deleted vault now: every HSM object and every row of it (403 under purge protection).</summary>
    public async Task PurgeAsync(string name, CancellationToken ct)
    {
        var row = await FindDeletedAsync(name, ct);
        if (row.EnablePurgeProtection) throw Recovery.PurgeProtected();
        // Not cancelled with the request: a purge that has begun runs to its end (or the vault purge sweep finishes it).
        if (!await purge.PurgeAsync(row, CancellationToken.None)) throw DeletedNotFound(row.Name);
    }

    private async Task<VaultEntity> FindDeletedAsync(string name, CancellationToken ct)
    {
        name = VaultNames.Require(name);
        return await store.FindAsync(name, ct) is { Deleted: true, Purging: false } row ? row : throw DeletedNotFound(name);
    }

    private static VaultException DeletedNotFound(string name) =>
        VaultException.NotFound("VaultNotFound", $"The deleted vault '{name}' was not found (never deleted, recovered or purged).");

    private DeletedVaultResource ToDeleted(VaultEntity row) => new(
        $"/providers/HsmVault/deletedVaults/{row.Name}", row.Name, "Microsoft.KeyVault/deletedVaults",
        new DeletedVaultProperties($"/providers/HsmVault/vaults/{row.Name}", row.DeletedOn, row.DeletedOn?.AddDays(row.SoftDeleteRetentionDays),
            JsonSerializer.Deserialize<Dictionary<string, string>>(string.IsNullOrEmpty(row.Tags) ? "{}" : row.Tags) ?? [], row.EnablePurgeProtection));

    /// <summary>Soft delete is always on, as in Key Vault today.</summary>
    private static void SoftDeleteOn(VaultPutProperties p)
    {
        if (p.EnableSoftDelete == false)
            throw VaultException.BadParameter("enableSoftDelete cannot be false: soft delete is always on for every vault.");
    }

    /// <summary>On an existing vault: the retention is fixed, purge protection can be turned on but never off.</summary>
    private static void Lifecycle(VaultEntity row, VaultPutProperties p)
    {
        if (p.SoftDeleteRetentionInDays is { } days && Retention(days) != row.SoftDeleteRetentionDays)
            throw VaultException.BadParameter($"softDeleteRetentionInDays cannot change once the vault exists (it is {row.SoftDeleteRetentionDays}).");
        if (p.EnablePurgeProtection == false && row.EnablePurgeProtection)
            throw VaultException.BadParameter("enablePurgeProtection cannot be turned off once it is on.");
        if (p.EnablePurgeProtection == true) row.EnablePurgeProtection = true;
    }

    private VaultResource ToResource(VaultEntity row, IReadOnlyList<AccessPolicyEntity>? entries) => new(
        $"/providers/HsmVault/vaults/{row.Name}", row.Name, "Microsoft.KeyVault/vaults",
        JsonSerializer.Deserialize<Dictionary<string, string>>(string.IsNullOrEmpty(row.Tags) ? "{}" : row.Tags) ?? [],
        new VaultResourceProperties(row.TenantId, hosts.BaseUriOf(row.Name).ToString(), row.Enabled, row.SoftDeleteRetentionDays,
            row.HsmTokenLabel, row.Created.ToUnixTimeSeconds(), row.Updated.ToUnixTimeSeconds(),
            entries?.Select(AccessPolicyInput.ToWire).ToList(), EnableSoftDelete: true, row.EnablePurgeProtection, Wire(row.Binding())));

    private static Dictionary<string, string> Tags(Dictionary<string, string>? tags)
    {
        tags ??= [];
        if (tags.Count > MaxTags) throw VaultException.BadParameter($"A vault has at most {MaxTags} tags.");
        foreach (var (k, v) in tags)
            if (k.Length is 0 or > 512 || (v ?? "").Length > 256)
                throw VaultException.BadParameter("Tag names are 1-512 characters and tag values at most 256.");
        return tags;
    }

    private static int Retention(int days) => days is >= Recovery.MinRetentionDays and <= Recovery.MaxRetentionDays
        ? days
        : throw VaultException.BadParameter($"softDeleteRetentionInDays must be between {Recovery.MinRetentionDays} and {Recovery.MaxRetentionDays}.");

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
