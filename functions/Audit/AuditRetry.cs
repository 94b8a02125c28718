using Microsoft.Extensions.Logging;

namespace HsmVault.Audit;

/// <summary>
/// Audit writes are retried until they land: the writer fails closed meanwhile (waiting requests get 503 after the commit
/// timeout), and a record the vault has accepted is never dropped.
/// </summary>
internal static class AuditRetry
{
    public static async Task UntilDoneAsync(ILogger logger, string what, Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Audit {What} failed (attempt {Attempt}): {Error}; retrying", what, attempt, e.GetType().Name);
                await Task.Delay(Backoff(attempt));
            }
        }
    }

    public static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(2000, 50 * Math.Pow(2, Math.Min(attempt, 6))));
}
