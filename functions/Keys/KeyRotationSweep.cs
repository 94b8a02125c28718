using HsmVault.Objects;
using HsmVault.Storage.Sweeps;
using Microsoft.Extensions.Logging;

namespace HsmVault.Keys;

/// <summary>
/// Due rotations and near-expiry notices from rotation policies. Decided from stored state only (the current version's
/// created and expiry times, the version last notified), so a second run for the same moment does nothing: a rotated
/// key's new current version is not due, and a notice is written once per version.
/// </summary>
public sealed class KeyRotationSweep(
    KeyRotationPolicies policies, KeyStore store, KeyLifecycle keys, ILiveVaults vaults, ISystemAudit audit, TimeProvider clock,
    ILogger<KeyRotationSweep> logger) : ISweep
{
    public const string NearExpiry = "KeyNearExpiry";
    public string Name => "KeyRotation";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var handled = 0;
        foreach (var row in await policies.AllAsync(ct))
        {
            if (vaults.Find(row.PartitionKey) is not { } vault) continue;
            if (await store.FindAsync(row.PartitionKey, row.Name, null, ct) is not { } current) continue; // deleted or gone
            KeyRotationPolicy policy;
            try { policy = row.Parsed(); }
            catch (VaultException) { continue; }
            var ctx = SystemCaller.ContextFor(vault, ct);
            var id = new ObjectId(ObjectKind.Key, vault, current.Name, current.Version);
            if (policy.RotateAction?.DueAt(current.Created, current.Expires) <= now)
            {
                try
                {
                    var bundle = await keys.RotateAsync(ctx, current.Name);
                    await audit.RecordAsync(vault.Name, KeyOperations.Rotate.Name, ctx.AuditObjectId, 200, "Success", ct);
                    logger.LogInformation("Rotated {Key} by its rotation policy: new version {Kid}", id.AuditId, bundle.Key.Kid);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await audit.RecordAsync(vault.Name, KeyOperations.Rotate.Name, id.AuditId, 500, e.GetType().Name, ct);
                    logger.LogError(e, "Rotation of {Key} by its policy failed; the next sweep tries again", id.AuditId);
                }
                handled++;
            }
            else if (policy.NotifyAction?.DueAt(current.Created, current.Expires) <= now && row.NotifiedVersion != current.Version
                     && await policies.MarkNotifiedAsync(row, current.Version, ct))
            {
                await audit.RecordAsync(vault.Name, NearExpiry, id.AuditId, 200, "Success", ct);
                handled++;
            }
        }
        return handled;
    }
}
