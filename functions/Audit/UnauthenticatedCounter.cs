using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HsmVault.Audit;

/// <summary>
/// Failures before authentication (no vault, bad api-version, missing or invalid token) and refusals because the audit log is
/// behind are counted per (vault, source address, reason, status) and window, then written as one aggregate record each:
/// a flood of bad tokens grows the log by a few records a minute, and counting never blocks or waits for storage.
/// </summary>
public sealed class UnauthenticatedCounter(AuditLog log, IOptions<AuditOptions> options, TimeProvider clock) : IHostedService
{
    public const string Operation = "Unauthenticated";
    /// <summary>Source address under which failures are counted once the window holds too many distinct keys.</summary>
    public const string OtherAddresses = "(other)";

    private readonly record struct Key(string Vault, string Address, string Reason, int Status);

    private ConcurrentDictionary<Key, long> _window = new();
    private DateTimeOffset _windowStart = clock.GetUtcNow();
    private readonly Lock _flushing = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Count(string? vault, string? address, string reason, int status)
    {
        var window = _window;
        var key = new Key(vault ?? AuditBlobNames.UnresolvedVault, address ?? "", reason, status);
        if (window.Count >= options.Value.MaxUnauthenticatedKeys && !window.ContainsKey(key)) key = key with { Address = OtherAddresses };
        window.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    /// <summary>Closes the current window and queues its aggregates.</summary>
    public void Flush()
    {
        ConcurrentDictionary<Key, long> closed;
        DateTimeOffset start, end;
        lock (_flushing)
        {
            closed = Interlocked.Exchange(ref _window, new ConcurrentDictionary<Key, long>());
            (start, end) = (_windowStart, clock.GetUtcNow());
            _windowStart = end;
        }
        foreach (var (key, count) in closed)
            log.Post(new AuditRecord(end, key.Vault, null, null, null, key.Address, Operation, null, null, key.Status, key.Reason,
                0, Guid.NewGuid().ToString(), Count: count, WindowStart: start));
    }

    public Task StartAsync(CancellationToken ct)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(options.Value.UnauthenticatedWindow, clock);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token)) Flush();
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await _loop;
        Flush();
    }
}
