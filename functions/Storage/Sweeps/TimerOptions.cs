namespace HsmVault.Storage.Sweeps;

public sealed class TimerOptions
{
    public const string Section = "HsmVault:Timers";

    /// <summary>
    /// How long an instance holds a sweep's lease; a sweep still running then is cancelled so that a crashed instance
    /// can never block a sweep for longer than this.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Standalone host only: run the timer functions (default true). Under the Functions host the host's timers run them.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Standalone host only: schedules by function name that replace the <c>[TimerTrigger]</c> schedule (NCRONTAB with
    /// seconds, e.g. <c>*/2 * * * * *</c>, or a TimeSpan such as <c>00:00:05</c>); for tests and local runs.
    /// </summary>
    public Dictionary<string, string> Schedules { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
