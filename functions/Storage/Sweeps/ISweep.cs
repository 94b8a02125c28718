namespace HsmVault.Storage.Sweeps;

/// <summary>
/// A periodic job (scheduled purge, due rotations, reconciliation, audit retention…). A timer function runs it through
/// <see cref="SweepRunner"/>, which makes sure one instance at a time runs it, once per scheduled occurrence.
/// A sweep must be safe to run again after an interruption: it decides from stored state, never from "what ran last".
/// </summary>
public interface ISweep
{
    /// <summary>Unique name; the lease row's key.</summary>
    string Name { get; }

    /// <summary>Does one pass; returns how many items it handled (for the lease row and the log).</summary>
    Task<int> RunAsync(CancellationToken ct);
}
