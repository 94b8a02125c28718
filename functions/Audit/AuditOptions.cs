namespace HsmVault.Audit;

public sealed class AuditOptions
{
    public const string Section = "HsmVault:Audit";

    /// <summary>
    /// Resource id of a vault in the records and blob paths is this prefix plus the vault name in capitals, as Key Vault's
    /// diagnostic logs write it (subscription and resource group of the deployment).
    /// </summary>
    public string ResourceIdPrefix { get; set; } =
        "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/HSMVAULT/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/";

    /// <summary>
    /// How long an answered operation may wait for its record to be stored before it gets 503 instead. Longer than storage's
    /// own operation timeout (10 s): a stall that the operation's own writes rode out must not turn a done operation into a 503.
    /// </summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>Records waiting to be stored beyond which new operations are refused (503) rather than queued.</summary>
    public int MaxPending { get; set; } = 20_000;

    /// <summary>Records of one vault waiting to be stored beyond which that vault's new operations are refused (503).</summary>
    public int MaxPendingPerVault { get; set; } = 5_000;

    /// <summary>
    /// How often journaled commits move into their vault-hour segments (one append per blob): the segments' write rate,
    /// whatever the request rate, and how far the segments may trail the journal.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A chain whose newest journal entry is older than this belongs to an instance that stopped without flushing (a crash):
    /// the replay sweep moves its entries into their segments. Far longer than any live instance leaves an entry there.
    /// </summary>
    public TimeSpan JournalReplayAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the chain head is signed in the HSM (when the chain moved).</summary>
    public TimeSpan HeadSigningInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Window over which failures before authentication are counted into one aggregate record.</summary>
    public TimeSpan UnauthenticatedWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Distinct (vault, address, reason) counters kept per window; beyond it, failures are counted under one overflow key.</summary>
    public int MaxUnauthenticatedKeys { get; set; } = 10_000;

    /// <summary>Days audit segments are kept; 0 keeps them for ever (the retention sweep then does nothing).</summary>
    public int RetentionDays { get; set; }

    public IEnumerable<string> Problems()
    {
        if (RetentionDays < 0) yield return "HsmVault:Audit:RetentionDays must be 0 (keep) or more";
        if (CommitTimeout <= TimeSpan.Zero) yield return "HsmVault:Audit:CommitTimeout must be positive";
        if (MaxPending < 1) yield return "HsmVault:Audit:MaxPending must be at least 1";
        if (MaxPendingPerVault < 1 || MaxPendingPerVault > MaxPending)
            yield return $"HsmVault:Audit:MaxPendingPerVault must be between 1 and MaxPending ({MaxPending}); got {MaxPendingPerVault}";
        if (FlushInterval <= TimeSpan.Zero || FlushInterval > TimeSpan.FromSeconds(10))
            yield return $"HsmVault:Audit:FlushInterval must be between 0 and 00:00:10; got {FlushInterval}";
        if (JournalReplayAfter < TimeSpan.FromSeconds(1)) yield return "HsmVault:Audit:JournalReplayAfter must be at least 00:00:01";
        if (HeadSigningInterval <= TimeSpan.Zero) yield return "HsmVault:Audit:HeadSigningInterval must be positive";
        if (UnauthenticatedWindow <= TimeSpan.Zero) yield return "HsmVault:Audit:UnauthenticatedWindow must be positive";
        if (MaxUnauthenticatedKeys < 1) yield return "HsmVault:Audit:MaxUnauthenticatedKeys must be at least 1";
        if (!ResourceIdPrefix.EndsWith('/')) yield return "HsmVault:Audit:ResourceIdPrefix must end with '/'";
    }
}
