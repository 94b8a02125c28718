using HsmVault.Hsm;
using HsmVault.Keys;
using HsmVault.Objects;
using HsmVault.Secrets;
using HsmVault.Storage.Sweeps;
using HsmVault.Tests.Secrets;
using HsmVault.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HsmVault.Tests.Lifecycle;

/// <summary>
/// Scheduled purge, interrupted purges and rotation policies, driven by an injected clock in process, against the real
/// SoftHSM2 token and Azurite: what each sweep does to HSM objects and rows, and that a sweep run twice does it once.
/// </summary>
public sealed class LifecycleSweepTests : IAsyncLifetime
{
    // Tables of their own per test: the sweeps' lease rows remember the occurrences they ran for, and each test has its own clock.
    private readonly StorageFixture _storage = new();
    public Task InitializeAsync() => _storage.InitializeAsync();

    public async Task DisposeAsync()
    {
        _hsm.Dispose();
        await _storage.DisposeAsync();
    }

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly HsmToken _hsm = OpenToken();
    private readonly RecordingAudit _audit = new();

    private static HsmToken OpenToken()
    {
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", TestHostEnvironment.SoftHsmConf);
        return HsmToken.Open(new HsmOptions
        {
            LibraryPath = "/usr/lib/softhsm/libsofthsm2.so", TokenLabel = TestHostEnvironment.TokenLabel, UserPin = TestHostEnvironment.TokenPin,
        });
    }


    private sealed class RecordingAudit : ISystemAudit
    {
        public List<(string Operation, string? ObjectId)> Records { get; } = [];
        public ValueTask RecordAsync(string vault, string operation, string? objectId, int status, string result, CancellationToken ct)
        {
            lock (Records) Records.Add((operation, objectId));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class OneVault(Vault vault) : ILiveVaults
    {
        public Vault? Find(string name) => name == vault.Name ? vault : null;
    }

    /// <summary>One service instance's lifecycle objects over the shared tables, HSM token and clock.</summary>
    private sealed class Instance
    {
        public Instance(LifecycleSweepTests t, Vault vault)
        {
            var storage = t._storage;
            var resilience = storage.Resilience;
            Store = new KeyStore(storage.Tables, resilience);
            Policies = new KeyRotationPolicies(storage.Tables, resilience, t._clock);
            var tokens = new OneToken(t._hsm);
            Objects = new KeyObjects(Store, tokens, resilience, Policies, t._clock);
            Keys = new KeyLifecycle(tokens, Objects, Store, new KeyMapper(tokens, resilience), Policies, new BackupBlobs(tokens, resilience),
                resilience, new KeyQuotas(Options.Create(new QuotaOptions()), Store), t._clock, NullLogger<KeyLifecycle>.Instance);
            Secrets = new SecretObjects(new SecretStore(storage.Tables, resilience), t._clock);
            Runner = new SweepRunner(storage.Tables, t._clock, Options.Create(new TimerOptions()), NullLogger<SweepRunner>.Instance);
            Purge = new ScheduledPurge([Objects, Secrets], t._clock);
            Rotation = new KeyRotationSweep(Policies, Store, Keys, new OneVault(vault), t._audit, t._clock, NullLogger<KeyRotationSweep>.Instance);
        }

        public KeyStore Store { get; }
        public KeyRotationPolicies Policies { get; }
        public KeyObjects Objects { get; }
        public KeyLifecycle Keys { get; }
        public SecretObjects Secrets { get; }
        public SweepRunner Runner { get; }
        public ScheduledPurge Purge { get; }
        public KeyRotationSweep Rotation { get; }
    }


    private Vault NewVault(int retentionDays = 7, bool purgeProtection = false)
    {
        var name = "v" + Guid.NewGuid().ToString("N")[..10];
        return new Vault(name, "tenant", true, new Uri($"https://{name}.vault.test/"), "", retentionDays, purgeProtection);
    }

    private static OperationContext Ctx(Vault vault) => SystemCaller.ContextFor(vault, CancellationToken.None);

    private async Task<List<KeyEntity>> VersionsAsync(Instance i, Vault vault, string name) =>
        await i.Store.AllVersionsAsync(vault.Name, name, CancellationToken.None);

    private bool InHsm(KeyEntity version)
    {
        try
        {
            _hsm.GetEcPublicKey(new HsmKeyId(version.HsmKeyId));
            _hsm.GetKeyAttributes(new HsmKeyId(version.HsmKeyId));
            return true;
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task Scheduled_purge_waits_for_the_retention_then_destroys_every_HSM_object_and_row()
    {
        var vault = NewVault(retentionDays: 7, purgeProtection: true); // purge protection does not stop the scheduled purge
        var i = new Instance(this, vault);
        var ctx = Ctx(vault);
        await i.Keys.CreateAsync(ctx, "doomed", new KeyCreateParameters { Kty = "EC", Crv = "P-256" });
        await i.Keys.CreateAsync(ctx, "doomed", new KeyCreateParameters { Kty = "EC", Crv = "P-256" });
        var versions = await VersionsAsync(i, vault, "doomed");
        Assert.Equal(2, versions.Count);
        var deleted = await i.Objects.DeleteAsync(ctx, "doomed");
        Assert.Equal(_clock.GetUtcNow().AddDays(7), deleted.ScheduledPurge);
        var protectedPurge = await Assert.ThrowsAsync<VaultException>(() => i.Objects.PurgeAsync(ctx, "doomed"));
        Assert.Equal(403, (int)protectedPurge.Status);
        Assert.StartsWith("Operation \"purge\" is not allowed because purge protection is enabled", protectedPurge.Message);

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.True(await i.Runner.RunAsync(i.Purge, _clock.GetUtcNow(), CancellationToken.None));
        Assert.NotNull(await i.Objects.GetDeletedAsync(ctx, "doomed"));
        Assert.All(versions, v => Assert.True(InHsm(v)));

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await i.Runner.RunAsync(i.Purge, _clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(404, (int)(await Assert.ThrowsAsync<VaultException>(() => i.Objects.GetDeletedAsync(ctx, "doomed"))).Status);
        Assert.Empty(await VersionsAsync(i, vault, "doomed"));
        Assert.All(versions, v => Assert.False(InHsm(v)));
        Assert.True((await i.Runner.StatusAsync(i.Purge.Name, CancellationToken.None))!.LastProcessed >= 1);
    }

    [Fact]
    public async Task A_purge_killed_midway_is_finished_by_the_next_sweep()
    {
        var vault = NewVault();
        var i = new Instance(this, vault);
        var ctx = Ctx(vault);
        for (var n = 0; n < 3; n++) await i.Keys.CreateAsync(ctx, "halfway", new KeyCreateParameters { Kty = "EC", Crv = "P-256" });
        var versions = await VersionsAsync(i, vault, "halfway");
        await i.Objects.DeleteAsync(ctx, "halfway");

        // The process dies after destroying the first version's HSM objects, before any row is removed.
        var destroyed = 0;
        await Assert.ThrowsAsync<OperationCanceledException>(() => i.Store.PurgeAsync(vault.Name, "halfway", v =>
        {
            if (destroyed++ == 1) throw new OperationCanceledException("killed");
            _hsm.DestroyKey(new HsmKeyId(v.HsmKeyId));
            return Task.CompletedTask;
        }, CancellationToken.None));
        Assert.Equal(1, versions.Count(v => !InHsm(v)));
        Assert.Equal(3, (await VersionsAsync(i, vault, "halfway")).Count);
        // Half purged: it can no longer be recovered or seen as a deleted key.
        await Assert.ThrowsAsync<VaultException>(() => i.Objects.RecoverAsync(ctx, "halfway"));
        await Assert.ThrowsAsync<VaultException>(() => i.Objects.GetDeletedAsync(ctx, "halfway"));

        // The next sweep (another instance; the retention has not passed) finishes it: no orphan object, no dangling row.
        var next = new Instance(this, vault);
        Assert.True(await next.Runner.RunAsync(next.Purge, _clock.GetUtcNow(), CancellationToken.None));
        Assert.All(versions, v => Assert.False(InHsm(v)));
        Assert.Empty(await VersionsAsync(i, vault, "halfway"));
        Assert.Null(await i.Store.FindDeletedAsync(vault.Name, "halfway", CancellationToken.None));
        // And the name is free again.
        await i.Keys.CreateAsync(ctx, "halfway", new KeyCreateParameters { Kty = "EC", Crv = "P-256" });
    }

    [Fact]
    public async Task A_due_rotation_happens_once_even_with_two_instances_and_sets_the_expiry_from_the_policy()
    {
        var vault = NewVault();
        var a = new Instance(this, vault);
        var b = new Instance(this, vault);
        var ctx = Ctx(vault);
        var first = await a.Keys.CreateAsync(ctx, "rotating", new KeyCreateParameters { Kty = "EC", Crv = "P-256", Tags = new() { ["team"] = "ops" } });
        await a.Policies.PutAsync(ctx, "rotating", new KeyRotationPolicyWire
        {
            LifetimeActions = [new LifetimeActionWire { Trigger = new() { TimeAfterCreate = "P30D" }, Action = new() { Type = "Rotate" } }],
            Attributes = new() { ExpiryTime = "P90D" },
        });

        _clock.Advance(TimeSpan.FromDays(29));
        await a.Runner.RunAsync(a.Rotation, _clock.GetUtcNow(), CancellationToken.None);
        Assert.Single(await VersionsAsync(a, vault, "rotating"));

        _clock.Advance(TimeSpan.FromDays(1));
        var occurrence = _clock.GetUtcNow();
        var ran = await Task.WhenAll(a.Runner.RunAsync(a.Rotation, occurrence, CancellationToken.None),
            b.Runner.RunAsync(b.Rotation, occurrence, CancellationToken.None));
        Assert.Equal(1, ran.Count(r => r));
        // A later occurrence on the other instance finds the new version not due.
        await b.Runner.RunAsync(b.Rotation, occurrence.AddMinutes(15), CancellationToken.None);
        var versions = await VersionsAsync(a, vault, "rotating");
        Assert.Equal(2, versions.Count);
        var current = (await a.Keys.GetAsync(ctx, "rotating", null));
        Assert.NotEqual(first.Key.Kid, current.Key.Kid);
        Assert.Equal(occurrence.AddDays(90).ToUnixTimeSeconds(), current.Attributes.Expires);
        Assert.Equal("ops", current.Tags!["team"]);
        Assert.Contains(_audit.Records, r => r.Operation == KeyOperations.Rotate.Name);
    }

    [Fact]
    public async Task A_due_notify_action_writes_one_KeyNearExpiry_record_per_version()
    {
        var vault = NewVault();
        var i = new Instance(this, vault);
        var ctx = Ctx(vault);
        var exp = _clock.GetUtcNow().AddDays(40).ToUnixTimeSeconds();
        await i.Keys.CreateAsync(ctx, "expiring", new KeyCreateParameters { Kty = "EC", Crv = "P-256", Attributes = new() { Expires = exp } });
        await i.Policies.PutAsync(ctx, "expiring", new KeyRotationPolicyWire
        {
            LifetimeActions = [new LifetimeActionWire { Trigger = new() { TimeBeforeExpiry = "P10D" }, Action = new() { Type = "Notify" } }],
        });
        _clock.Advance(TimeSpan.FromDays(29));
        await i.Runner.RunAsync(i.Rotation, _clock.GetUtcNow(), CancellationToken.None);
        Assert.DoesNotContain(_audit.Records, r => r.Operation == KeyRotationSweep.NearExpiry && r.ObjectId!.Contains("expiring"));
        _clock.Advance(TimeSpan.FromDays(2));
        await i.Runner.RunAsync(i.Rotation, _clock.GetUtcNow(), CancellationToken.None);
        await i.Runner.RunAsync(i.Rotation, _clock.GetUtcNow().AddMinutes(15), CancellationToken.None);
        Assert.Single(_audit.Records, r => r.Operation == KeyRotationSweep.NearExpiry && r.ObjectId!.Contains("expiring"));
        Assert.Single(await VersionsAsync(i, vault, "expiring")); // Notify never rotates
    }
}
