using System.Globalization;
using System.Reflection;
using HsmVault.Storage.Sweeps;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NCrontab;

namespace HsmVault.Hosting;

/// <summary>A timer-triggered function as its attributes declare it.</summary>
public sealed record TimerFunction(string Name, string Schedule, Type Type, MethodInfo Method, bool RunOnStartup = false);

/// <summary>
/// Runs the Function App's <c>[TimerTrigger]</c> functions in the standalone host, on the schedules their attributes
/// declare (NCRONTAB with seconds or a TimeSpan, as the Functions host reads them), so no schedule is written twice;
/// one with <c>RunOnStartup</c> also runs once when the host starts, as under the Functions host (here a moment after it listens).
/// Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class TimerFunctions(IServiceProvider services, IOptions<TimerOptions> options, TimeProvider clock, ILogger<TimerFunctions> logger)
    : BackgroundService
{
    public static IReadOnlyList<TimerFunction> Discover(Assembly assembly) =>
        (from type in assembly.GetExportedTypes()
         from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
         let function = method.GetCustomAttribute<FunctionAttribute>()
         let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null)
         where function is not null && trigger is not null
         select new TimerFunction(function.Name, trigger.Schedule, type, method, trigger.RunOnStartup)).ToList();

    /// <summary>The next occurrence strictly after <paramref name="after"/> of an NCRONTAB (5 or 6 fields) or TimeSpan schedule.</summary>
    public static DateTimeOffset NextOccurrence(string schedule, DateTimeOffset after)
    {
        if (TimeSpan.TryParse(schedule, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
            return after + interval;
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var cron = CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
        return new DateTimeOffset(cron.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero);
    }

    public string ScheduleOf(TimerFunction f) => options.Value.Schedules.TryGetValue(f.Name, out var s) && s.Length > 0 ? s : f.Schedule;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return Task.CompletedTask;
        var functions = Discover(typeof(TimerFunctions).Assembly);
        foreach (var f in functions) NextOccurrence(ScheduleOf(f), clock.GetUtcNow()); // a bad schedule fails start-up
        return Task.WhenAll(functions.Select(f => LoopAsync(f, stoppingToken)));
    }

    private async Task LoopAsync(TimerFunction function, CancellationToken ct)
    {
        await Task.Yield(); // a start-up run must not hold up the host's start
        var schedule = ScheduleOf(function);
        if (function.RunOnStartup)
        {
            if (!await AfterStartAsync(ct)) return;
            await InvokeAsync(function, clock.GetUtcNow(), NextOccurrence(schedule, clock.GetUtcNow()), ct);
        }
        var next = NextOccurrence(schedule, clock.GetUtcNow());
        while (!ct.IsCancellationRequested)
        {
            var wait = next - clock.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var following = NextOccurrence(schedule, next);
            await InvokeAsync(function, next, following, ct);
            // A run longer than the interval skips the occurrences it overran, as the Functions host does.
            next = following;
            while (next <= clock.GetUtcNow()) next = NextOccurrence(schedule, next);
        }
    }

    /// <summary>How long after the host started a start-up run waits: on a cold start the first requests come first.</summary>
    public static readonly TimeSpan StartupRunDelay = TimeSpan.FromSeconds(2);

    /// <summary>Waits until the host has started (it listens), then <see cref="StartupRunDelay"/>; false when stopped meanwhile.</summary>
    private async Task<bool> AfterStartAsync(CancellationToken ct)
    {
        try
        {
            if (services.GetService<IHostApplicationLifetime>() is { } lifetime && !lifetime.ApplicationStarted.IsCancellationRequested)
            {
                var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
                using (ct.Register(() => started.TrySetCanceled(ct)))
                    await started.Task;
            }
            await Task.Delay(StartupRunDelay, clock, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Invokes one occurrence of a timer function, binding <see cref="TimerInfo"/> and <see cref="CancellationToken"/>.</summary>
    public async Task InvokeAsync(TimerFunction function, DateTimeOffset occurrence, DateTimeOffset following, CancellationToken ct)
    {
        var timer = new TimerInfo
        {
            ScheduleStatus = new ScheduleStatus { Last = occurrence.UtcDateTime, Next = following.UtcDateTime, LastUpdated = clock.GetUtcNow().UtcDateTime },
            IsPastDue = clock.GetUtcNow() - occurrence > TimeSpan.FromMinutes(1),
        };
        try
        {
            using var scope = services.CreateScope();
            var instance = ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, function.Type);
            var args = function.Method.GetParameters().Select(p =>
                p.ParameterType == typeof(TimerInfo) ? timer
                : p.ParameterType == typeof(CancellationToken) ? (object)ct
                : throw new InvalidOperationException($"The standalone host cannot bind parameter '{p.Name}' of {function.Name}.")).ToArray();
            if (function.Method.Invoke(instance, args) is Task task) await task;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Timer function {Function} failed", function.Name);
        }
    }
}
