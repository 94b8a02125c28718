using System.Net;
using System.Threading.RateLimiting;
using HsmVault.Objects;
using HsmVault.Throttling;
using Microsoft.Extensions.Options;

namespace HsmVault.Keys;

/// <summary>
/// Per-vault quotas, checked before any HSM object is made: new keys per second (429 Throttled with Retry-After, as Key
/// Vault answers over its key-create limits), key names per vault and versions per key (409 QuotaExceeded: a 429 would have
/// the SDKs retry a request that cannot succeed until something is deleted). Counts are read from storage, so concurrent
/// creates of new names may pass a count quota by the number in flight.
/// </summary>
public sealed class KeyQuotas : IDisposable
{
    private readonly QuotaOptions _options;
    private readonly KeyStore _store;
    private readonly PartitionedRateLimiter<string> _creates;

    public KeyQuotas(IOptions<QuotaOptions> options, KeyStore store)
    {
        _options = options.Value;
        _store = store;
        _creates = PartitionedRateLimiter.Create<string, string>(vault =>
            RateLimitPartition.GetTokenBucketLimiter(vault.ToLowerInvariant(), v => RequestThrottle.Bucket(_options.For(v).KeyCreatesPerSecond!.Value)),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A new version of <paramref name="name"/> (a new key if it has none).</summary>
    public async Task DemandNewVersionAsync(OperationContext ctx, string name)
    {
        var quotas = _options.For(ctx.Vault.Name);
        DemandRate(ctx.Vault.Name);
        var versions = await _store.CountVersionsAsync(ctx.Vault.Name, name, quotas.MaxVersionsPerKey!.Value, ctx.Cancellation);
        if (versions >= quotas.MaxVersionsPerKey)
            throw Exceeded($"Key '{name}' has reached the quota of {quotas.MaxVersionsPerKey} versions in vault '{ctx.Vault.Name}'.");
        if (versions == 0) await DemandNameAsync(ctx, quotas);
    }

    /// <summary>A restore: a new name with <paramref name="versions"/> versions.</summary>
    public async Task DemandRestoreAsync(OperationContext ctx, string name, int versions)
    {
        var quotas = _options.For(ctx.Vault.Name);
        DemandRate(ctx.Vault.Name);
        if (versions > quotas.MaxVersionsPerKey)
            throw Exceeded($"The backup of key '{name}' has {versions} versions; vault '{ctx.Vault.Name}' allows {quotas.MaxVersionsPerKey} per key.");
        await DemandNameAsync(ctx, quotas);
    }

    private async Task DemandNameAsync(OperationContext ctx, VaultQuotas quotas)
    {
        if (await _store.CountNamesAsync(ctx.Vault.Name, quotas.MaxKeysPerVault!.Value, ctx.Cancellation) >= quotas.MaxKeysPerVault)
            throw Exceeded($"Vault '{ctx.Vault.Name}' has reached its quota of {quotas.MaxKeysPerVault} keys (soft-deleted keys count until purged).");
    }

    private void DemandRate(string vault) => RequestThrottle.Demand(_creates.AttemptAcquire(vault), $"keys created in vault '{vault}'");

    private static VaultException Exceeded(string message) => new(HttpStatusCode.Conflict, "QuotaExceeded", message);

    public void Dispose() => _creates.Dispose();
}
