using System.Diagnostics.Metrics;
using HsmVault.Hsm;
using HsmVault.Telemetry;
using Microsoft.Extensions.Hosting;

namespace HsmVault.Hosting;

/// <summary>Measurements that come from other services' state: HSM sessions in use (audit commits are recorded by the audit log).</summary>
public sealed class TelemetryHookups(IHsm hsm, IMeterFactory meters) : IHostedService
{
    private Meter? _meter;

    public Task StartAsync(CancellationToken ct)
    {
        // A meter of this host's container (disposed with it), under the service's meter name.
        _meter = meters.Create(HsmVaultTelemetry.Name);
        _meter.CreateObservableGauge("hsmvault.hsm.sessions.in_use",
            () => new Measurement<int>(hsm.SessionsInUse, new KeyValuePair<string, object?>(HsmVaultTelemetry.HsmTokenTag, hsm.TokenId)),
            "{session}", "PKCS#11 operation sessions rented from the token's pool right now.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
