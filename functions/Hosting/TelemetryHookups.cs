using System.Diagnostics.Metrics;
using HsmVault.Audit;
using HsmVault.Hsm;
using HsmVault.Telemetry;
using Microsoft.Extensions.Hosting;

namespace HsmVault.Hosting;

/// <summary>Measurements that come from other services' state: audit commits (their Committed event) and HSM sessions in use.</summary>
public sealed class TelemetryHookups(AuditLog audit, IHsm hsm, IMeterFactory meters) : IHostedService
{
    private Meter? _meter;

    public Task StartAsync(CancellationToken ct)
    {
        audit.Committed += VaultMetrics.AuditCommit;
        // A meter of this host's container (disposed with it), under the service's meter name.
        _meter = meters.Create(HsmVaultTelemetry.Name);
        _meter.CreateObservableGauge("hsmvault.hsm.sessions.in_use",
            () => new Measurement<int>(hsm.SessionsInUse, new KeyValuePair<string, object?>(HsmVaultTelemetry.HsmTokenTag, hsm.TokenId)),
            "{session}", "PKCS#11 operation sessions rented from the token's pool right now.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct)
    {
        audit.Committed -= VaultMetrics.AuditCommit;
        return Task.CompletedTask;
    }
}
