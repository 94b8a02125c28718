using HsmVault.Storage.Sweeps;

namespace HsmVault.Objects;

/// <summary>
/// The scheduled purge: every soft-deleted key and secret whose <c>scheduledPurgeDate</c> has passed is purged (HSM
/// objects and rows), as is every purge that was interrupted midway. Purge protection does not stop it (as in Key Vault).
/// </summary>
public sealed class ScheduledPurge(IEnumerable<IPurgeableObjects> kinds, TimeProvider clock) : ISweep
{
    public string Name => "ScheduledPurge";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var purged = 0;
        foreach (var kind in kinds) purged += await kind.PurgeDueAsync(now, ct);
        return purged;
    }
}
