using System.Text.RegularExpressions;
using Azure.Data.Tables;
using HsmVault.Hsm;
using HsmVault.Keys;
using HsmVault.Resilience;
using HsmVault.Storage;
using HsmVault.Storage.Sweeps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Reconciliation;

/// <summary>What one sweep found and did.</summary>
public sealed record ReconciliationReport(int HsmKeys, int Rows, int Candidates, IReadOnlyList<string> Destroyed, IReadOnlyList<string> MissingObjects);

/// <summary>
/// Compares the HSM's key objects with the rows that reference them. A key object that no row references for longer than
/// the grace period (a create whose row write failed, a crash between generate and write) is destroyed, after settling its
/// row (a tombstone in the version's place, so a row still on its way can never appear pointing at a destroyed key); each
/// is logged. A row whose HSM object is missing is reported (the key then answers 404 KeyNotFound, never 500).
/// Only objects the vault itself makes are ever destroyed: key versions (label <c>{vault}/{name}/{version}</c>) and vault
/// keys (<c>{vault}/{purpose}</c>); anything else on the token (a backup or audit key, a customer's own objects) is left alone.
/// It sweeps the deployment's token only: rows of vaults bound to a customer's own HSM reference keys on that token, so they
/// neither count as references here nor as rows missing their HSM key.
/// Soft-deleted and purging versions keep their rows until purged, so they stay referenced; a tombstone references nothing.
/// A timer runs it (<see cref="Endpoints.ReconciliationFunction"/>) at start and on its schedule, on one instance at a time
/// (<see cref="SweepRunner"/>). When a sweep first saw an object unreferenced is kept in memory: after a restart (or on
/// another instance) the grace period starts again, which only delays a destroy.
/// </summary>
public sealed partial class HsmReconciliation(IHsm hsm, Tables tables, KeyStore keys, ResiliencePipelines resilience,
    IOptions<ReconciliationOptions> options, TimeProvider clock, ILogger<HsmReconciliation> logger) : ISweep
{
    public string Name => nameof(HsmReconciliation);

    /// <summary>What the last sweep on this instance found (null before the first).</summary>
    public ReconciliationReport? LastReport { get; private set; }

    // Unreferenced objects and when a sweep first saw them so (objects carry no creation time).
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new();
    private readonly SemaphoreSlim _running = new(1, 1);

    [GeneratedRegex(@"^(?<vault>[a-z0-9-]{1,24})/(?<name>[0-9a-zA-Z-]{1,127})/(?<version>[0-9a-f]{32})$")]
    private static partial Regex KeyVersionLabel();

    [GeneratedRegex(@"^[a-z0-9-]{1,24}/secret-encryption$")]
    private static partial Regex VaultKeyLabel();

    /// <summary>One sweep; returns how many orphaned HSM keys it destroyed.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await _running.WaitAsync(ct);
        try
        {
            LastReport = await SweepAsync(ct);
            return LastReport.Destroyed.Count;
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<ReconciliationReport> SweepAsync(CancellationToken ct)
    {
        // Rows first: an object made after this read is seen unreferenced now and waits out the grace period.
        var referenced = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase); // HSM key id -> row
        var bound = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var row in Rows(tables.Vaults, ["PartitionKey", "HsmModulePath"], ct))
            if (row.GetString("HsmModulePath") is { Length: > 0 }) bound.Add(row.PartitionKey);
        await foreach (var row in Rows(tables.Keys, ["PartitionKey", "RowKey", "HsmKeyId", "Abandoned"], ct))
            if (row.GetString("HsmKeyId") is { Length: > 0 } id && row.GetBoolean("Abandoned") != true && !bound.Contains(row.PartitionKey))
                referenced.TryAdd(id, $"keys {row.PartitionKey}/{row.RowKey}");
        await foreach (var row in Rows(tables.VaultKeys, ["PartitionKey", "RowKey", "HsmKeyId"], ct))
            if (row.GetString("HsmKeyId") is { Length: > 0 } id && !bound.Contains(row.PartitionKey))
                referenced.TryAdd(id, $"vaultkeys {row.PartitionKey}/{row.RowKey}");

        var objects = resilience.HsmIdempotent.Execute(hsm.ListKeyObjects);
        var now = clock.GetUtcNow();
        var grace = options.Value.GracePeriod;
        var destroyed = new List<string>();
        var unreferenced = objects.Where(o => !referenced.ContainsKey(o.Id.Value)).GroupBy(o => o.Id.Value).ToList();
        foreach (var gone in _firstSeen.Keys.Except(unreferenced.Select(g => g.Key)).ToList()) _firstSeen.Remove(gone);
        foreach (var group in unreferenced)
        {
            // A key's RSA1_5 rejection secret shares its CKA_ID under its own label: go by the key's.
            var label = group.Select(o => o.Label).FirstOrDefault(l => KeyVersionLabel().IsMatch(l) || VaultKeyLabel().IsMatch(l)) ?? group.First().Label;
            var key = KeyVersionLabel().Match(label);
            if (!key.Success && !VaultKeyLabel().IsMatch(label)) continue;
            if (!_firstSeen.TryGetValue(group.Key, out var since)) { _firstSeen[group.Key] = now; since = now; }
            if (now - since < grace) continue;
            if (key.Success)
            {
                // No waiting for storage here: an unanswered settle is asked again on the next run.
                var outcome = await keys.SettleAsync(key.Groups["vault"].Value, key.Groups["name"].Value, key.Groups["version"].Value, TimeSpan.Zero);
                if (outcome != WriteOutcome.Abandoned)
                {
                    if (outcome == WriteOutcome.Committed) _firstSeen.Remove(group.Key); // its row arrived meanwhile
                    continue;
                }
            }
            resilience.HsmOnce.Execute(() => hsm.DestroyKey(new HsmKeyId(group.Key)));
            _firstSeen.Remove(group.Key);
            destroyed.Add(group.Key);
            logger.LogWarning("Reconciliation: destroyed orphaned HSM key {HsmKeyId} ({Label}): no row referenced it for {Grace}", group.Key, label, grace);
        }

        var present = objects.Where(o => o.Class is HsmObjectClass.Private or HsmObjectClass.Secret).Select(o => o.Id.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = referenced.Where(r => !present.Contains(r.Key)).Select(r => r.Value).ToList();
        foreach (var row in missing)
            logger.LogError("Reconciliation: row {Row} references an HSM key that is not on the token", row);
        var candidates = unreferenced.Count - destroyed.Count;
        logger.LogInformation("Reconciliation: {Objects} HSM key objects, {Rows} referencing rows, {Candidates} unreferenced, {Destroyed} destroyed, {Missing} rows without their HSM key",
            objects.Count, referenced.Count, candidates, destroyed.Count, missing.Count);
        return new ReconciliationReport(objects.Count, referenced.Count, candidates, destroyed, missing);
    }

    private async IAsyncEnumerable<TableEntity> Rows(TableClient table, string[] columns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? continuation = null;
        do
        {
            var page = await resilience.StorageRead.ExecuteAsync(async t =>
            {
                await foreach (var p in table.QueryAsync<TableEntity>(filter: (string?)null, maxPerPage: 1000, select: columns, cancellationToken: t).AsPages(continuation, 1000))
                    return p;
                return null;
            }, ct);
            if (page is null) yield break;
            foreach (var row in page.Values) yield return row;
            continuation = page.ContinuationToken;
        } while (continuation is not null);
    }
}
