using System.Collections.Concurrent;
using Azure.Data.Tables;
using HsmVault.Identity;
using HsmVault.Objects;
using HsmVault.Storage;
using HsmVault.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Vaults;

/// <summary>
/// Keeps this instance's view of every vault (enabled, tenant, policy stamp) at most <see cref="VaultOptions.MaxStaleness"/>
/// old by polling the vault rows (one query, no per-request reads). Requests are refused with 503 rather than decided on
/// an older view, so a revocation on any instance is enforced here within that bound.
/// </summary>
public sealed class VaultStateWatcher(
    Tables tables, VaultHosts hosts, IOptions<VaultOptions> options, TimeProvider clock, ILogger<VaultStateWatcher> logger)
    : BackgroundService, ITrustedTenants, ILiveVaults
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);
    private readonly VaultOptions _options = options.Value;
    private readonly Lock _gate = new();
    // Writes made here, re-applied over a poll that started before them, so a slow poll cannot undo them.
    private readonly ConcurrentDictionary<string, (Vault? Vault, DateTimeOffset At)> _localWrites = new(StringComparer.OrdinalIgnoreCase);
    private VaultSnapshot _current = VaultSnapshot.Empty;
    private Task<VaultSnapshot>? _polling;
    private DateTimeOffset _lastFailureLogged;

    public VaultSnapshot Current => Volatile.Read(ref _current);

    public bool IsTrusted(string tenantId) => Current.Tenants.Contains(tenantId);

    /// <summary>The current snapshot if fresh enough; else polls now; 503 if storage cannot confirm the state.</summary>
    public async ValueTask<VaultSnapshot> FreshAsync(CancellationToken ct)
    {
        var snapshot = Current;
        var fresh = IsFresh(snapshot);
        VaultMetrics.CacheLookup(VaultMetrics.Caches.VaultState, hit: fresh);
        if (fresh) return snapshot;
        try
        {
            snapshot = await PollAsync().WaitAsync(QueryTimeout, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            snapshot = Current;
        }
        return IsFresh(snapshot)
            ? snapshot
            : throw VaultException.Unavailable("The vault's access state cannot be confirmed right now (Table storage is unreachable).", RetryAfter.VaultState);
    }

    /// <summary>Makes a write done on this instance visible here at once.</summary>
    public void Publish(VaultEntity row)
    {
        var vault = ToVault(row);
        _localWrites[row.PartitionKey] = (vault, clock.GetUtcNow());
        lock (_gate) Volatile.Write(ref _current, Current.With(row.PartitionKey, vault));
    }

    /// <summary>One poll, shared by everyone who asks while it runs.</summary>
    public Task<VaultSnapshot> PollAsync()
    {
        lock (_gate) return _polling ??= Task.Run(PollCoreAsync);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, clock);
        do
        {
            try
            {
                await PollAsync();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                if (now - _lastFailureLogged > TimeSpan.FromSeconds(10))
                {
                    _lastFailureLogged = now;
                    logger.LogWarning(e, "Cannot read vault state from Table storage ({Error}: {Message}); requests get 503 until it answers", e.GetType().Name, e.Message);
                }
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private bool IsFresh(VaultSnapshot s) => clock.GetUtcNow() - s.PolledAt <= _options.MaxStaleness;

    private async Task<VaultSnapshot> PollCoreAsync()
    {
        try
        {
            var started = clock.GetUtcNow();
            using var timeout = new CancellationTokenSource(QueryTimeout);
            var vaults = new Dictionary<string, Vault>(StringComparer.OrdinalIgnoreCase);
            var query = tables.Vaults.QueryAsync<VaultEntity>($"RowKey eq '{VaultEntity.Row}'",
                select: [nameof(VaultEntity.PartitionKey), nameof(VaultEntity.Name), nameof(VaultEntity.TenantId), nameof(VaultEntity.Enabled), nameof(VaultEntity.Deleted), nameof(VaultEntity.PolicyStamp),
                    nameof(VaultEntity.SoftDeleteRetentionDays), nameof(VaultEntity.EnablePurgeProtection),
                    nameof(VaultEntity.HsmModulePath), nameof(VaultEntity.HsmTokenLabel), nameof(VaultEntity.HsmTokenSerial), nameof(VaultEntity.HsmPinReference)],
                cancellationToken: timeout.Token);
            await foreach (var row in query)
                if (ToVault(row) is { } v) vaults[row.PartitionKey] = v;
            var snapshot = new VaultSnapshot(vaults, started);
            // Under the gate, so a Publish cannot land between re-applying local writes and the swap and then be lost.
            lock (_gate)
            {
                foreach (var (name, write) in _localWrites)
                {
                    if (write.At > started) snapshot = snapshot.With(name, write.Vault);
                    else _localWrites.TryRemove(new KeyValuePair<string, (Vault?, DateTimeOffset)>(name, write));
                }
                if (snapshot.PolledAt >= Current.PolledAt) Volatile.Write(ref _current, snapshot);
            }
            return snapshot;
        }
        finally
        {
            lock (_gate) _polling = null;
        }
    }

    private Vault? ToVault(VaultEntity row) => row.Deleted
        ? null
        : new Vault(row.PartitionKey, row.TenantId, row.Enabled, hosts.BaseUriOf(row.PartitionKey), row.PolicyStamp,
            row.SoftDeleteRetentionDays, row.EnablePurgeProtection, row.Binding());

    /// <summary>A live vault as of the current snapshot (for sweeps, which no request started).</summary>
    public Vault? Find(string name) => Current.Vaults.TryGetValue(name, out var vault) ? vault : null;
}
