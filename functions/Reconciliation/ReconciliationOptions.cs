namespace HsmVault.Reconciliation;

/// <summary>Settings of the HSM reconciliation sweep (section HsmVault:Reconciliation).</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "HsmVault:Reconciliation";

    /// <summary>How long an HSM key object may stay without a row before it counts as orphaned (longer than any create).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Time between sweeps; the first runs at start.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
    public bool Enabled { get; set; } = true;
}
