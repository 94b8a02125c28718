namespace HsmVault.Reconciliation;

/// <summary>Settings of the HSM reconciliation sweep (section HsmVault:Reconciliation); its schedule is the timer's.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "HsmVault:Reconciliation";

    /// <summary>How long an HSM key object may stay without a row before it counts as orphaned (longer than any create).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<string> Problems()
    {
        if (GracePeriod < TimeSpan.Zero) yield return $"{Section}:GracePeriod must not be negative.";
    }
}
