using HsmVault.Storage.Sweeps;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Keys.Endpoints;

/// <summary>The timer that runs <see cref="KeyRotationSweep"/> (every 15 minutes), under either host.</summary>
public sealed class KeyRotationFunction(SweepRunner runner, KeyRotationSweep sweep)
{
    [Function("KeyRotation")]
    public Task Run([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken ct) => runner.RunAsync(sweep, timer, ct);
}
