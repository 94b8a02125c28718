using HsmVault.Hosting;
using HsmVault.Storage.Sweeps;
using HsmVault.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HsmVault.Tests.Timers;

/// <summary>The sweep lease against Azurite: one instance per sweep and occurrence, a crashed holder's lease runs out.</summary>
public sealed class SweepRunnerTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private SweepRunner NewInstance(TimeSpan? lease = null) => new(storage.Tables, _clock,
        Options.Create(new TimerOptions { LeaseDuration = lease ?? TimeSpan.FromMinutes(10) }), NullLogger<SweepRunner>.Instance);

    /// <summary>A sweep that counts its runs and can be held open to race another instance against it.</summary>
    private sealed class CountingSweep(string name) : ISweep
    {
        public int Runs;
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Hold { get; init; }
        public string Name { get; } = name;

        public async Task<int> RunAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref Runs);
            if (Hold) await Release.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            return 3;
        }
    }

    private static string UniqueName() => "sweep" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Two_instances_racing_one_occurrence_run_it_once()
    {
        var sweep = new CountingSweep(UniqueName());
        var occurrence = _clock.GetUtcNow();
        var instances = Enumerable.Range(0, 4).Select(_ => NewInstance()).ToList();
        var ran = await Task.WhenAll(instances.Select(i => i.RunAsync(sweep, occurrence, CancellationToken.None)));
        Assert.Equal(1, ran.Count(r => r));
        Assert.Equal(1, sweep.Runs);
        var status = await instances[0].StatusAsync(sweep.Name, CancellationToken.None);
        Assert.Equal("Succeeded", status!.LastResult);
        Assert.Equal(3, status.LastProcessed);
        Assert.Equal(occurrence, status.LastOccurrence);
    }

    [Fact]
    public async Task While_one_instance_runs_a_sweep_another_skips_even_a_later_occurrence()
    {
        var sweep = new CountingSweep(UniqueName()) { Hold = true };
        var a = NewInstance();
        var b = NewInstance();
        var first = a.RunAsync(sweep, _clock.GetUtcNow(), CancellationToken.None);
        while (Volatile.Read(ref sweep.Runs) == 0) await Task.Delay(10);
        Assert.False(await b.RunAsync(sweep, _clock.GetUtcNow().AddMinutes(1), CancellationToken.None));
        sweep.Release.SetResult();
        Assert.True(await first);
        Assert.Equal(1, sweep.Runs);
        // Released: the next occurrence runs on whichever instance asks.
        Assert.True(await b.RunAsync(sweep, _clock.GetUtcNow().AddMinutes(2), CancellationToken.None));
        Assert.Equal(2, sweep.Runs);
    }

    [Fact]
    public async Task A_lease_left_by_a_crashed_instance_runs_out()
    {
        var name = UniqueName();
        // An instance took the lease and died: its row says it holds it for the lease duration.
        await storage.Tables.Sweeps.AddEntityAsync(new SweepLeaseEntity
        {
            RowKey = name, Owner = "crashed", LeaseUntil = _clock.GetUtcNow().AddMinutes(5), LastOccurrence = _clock.GetUtcNow().AddMinutes(-1),
        });
        var sweep = new CountingSweep(name);
        var survivor = NewInstance();
        Assert.False(await survivor.RunAsync(sweep, _clock.GetUtcNow(), CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(await survivor.RunAsync(sweep, _clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(1, sweep.Runs);
    }

    [Fact]
    public async Task A_failing_sweep_is_recorded_and_the_next_occurrence_runs_again()
    {
        var name = UniqueName();
        var runner = NewInstance();
        var failing = new FailingSweep(name);
        Assert.True(await runner.RunAsync(failing, _clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal("Failed: InvalidOperationException", (await runner.StatusAsync(name, CancellationToken.None))!.LastResult);
        var ok = new CountingSweep(name);
        Assert.True(await runner.RunAsync(ok, _clock.GetUtcNow().AddMinutes(1), CancellationToken.None));
        Assert.Equal(1, ok.Runs);
    }

    private sealed class FailingSweep(string name) : ISweep
    {
        public string Name { get; } = name;
        public Task<int> RunAsync(CancellationToken ct) => throw new InvalidOperationException("boom");
    }
}

public sealed class TimerScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0 */5 * * * *", "2026-12-01T12:05:00Z")] // NCRONTAB with seconds, as the Functions host reads it
    [InlineData("*/2 * * * * *", "2026-12-01T12:00:02Z")]
    [InlineData("0 3 * * *", "2026-12-02T03:00:00Z")]     // five fields
    [InlineData("00:00:30", "2026-12-01T12:00:30Z")]      // TimeSpan
    public void Next_occurrence_follows_the_schedule(string schedule, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), TimerFunctions.NextOccurrence(schedule, Noon));

    [Fact]
    public void Every_timer_function_has_a_valid_schedule()
    {
        var functions = TimerFunctions.Discover(typeof(TimerFunctions).Assembly);
        Assert.NotEmpty(functions);
        foreach (var f in functions) Assert.True(TimerFunctions.NextOccurrence(f.Schedule, Noon) > Noon, f.Name);
    }
}
