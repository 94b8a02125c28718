using System.Reflection;
using HsmVault.Hsm;
using HsmVault.Keys;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Tests.Secrets;
using HsmVault.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HsmVault.Tests.Lifecycle;

/// <summary>
/// Backup of a key whose HSM object predates backups (not extractable): a 400 that says why. (A blob of another
/// deployment's backup key: HsmAdapter.Tests BackupTests; tampered and truncated blobs: lifecycle-keys.test.mjs.)
/// </summary>
public sealed class BackupBlobTests : IAsyncLifetime
{
    private readonly StorageFixture _storage = new();
    private readonly ResiliencePipelines _resilience = new(TimeSpan.FromSeconds(10));
    private HsmToken _hsm = null!;

    public async Task InitializeAsync()
    {
        await _storage.InitializeAsync();
        _hsm = Open(TestHostEnvironment.TokenLabel, TestHostEnvironment.TokenPin);
    }

    public async Task DisposeAsync()
    {
        _hsm.Dispose();
        await _storage.DisposeAsync();
    }

    private static HsmToken Open(string label, string pin)
    {
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", TestHostEnvironment.SoftHsmConf);
        return HsmToken.Open(new HsmOptions { LibraryPath = "/usr/lib/softhsm/libsofthsm2.so", TokenLabel = label, UserPin = pin });
    }

    [Fact]
    public async Task A_key_made_before_backups_existed_gets_a_clear_400()
    {
        var hsm = NotExtractable.Wrap(_hsm);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new KeyStore(_storage.Tables, _resilience);
        var policies = new KeyRotationPolicies(_storage.Tables, _resilience, clock);
        var tokens = new OneToken(hsm);
        var keys = new KeyLifecycle(tokens, new KeyObjects(store, tokens, _resilience, policies, clock), store, new KeyMapper(tokens, _resilience), policies,
            new BackupBlobs(tokens, _resilience), _resilience, new KeyQuotas(Options.Create(new QuotaOptions()), store), clock, NullLogger<KeyLifecycle>.Instance);
        var vault = new Vault("old" + Guid.NewGuid().ToString("N")[..8], "tenant", true, new Uri("https://old.vault.test/"));
        var ctx = SystemCaller.ContextFor(vault, CancellationToken.None);
        await keys.CreateAsync(ctx, "legacy", new KeyCreateParameters { Kty = "EC", Crv = "P-256" });
        var e = await Assert.ThrowsAsync<VaultException>(() => keys.BackupAsync(ctx, "legacy"));
        Assert.Equal("BadParameter", e.Code);
        Assert.Contains("was created before this vault could back keys up", e.Message);
    }

    /// <summary>The token as it was before backups: every key object reports CKA_EXTRACTABLE false.</summary>
    public class NotExtractable : DispatchProxy
    {
        private IHsm _inner = null!;

        public static IHsm Wrap(IHsm inner)
        {
            var proxy = Create<IHsm, NotExtractable>();
            ((NotExtractable)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            try
            {
                var result = method!.Invoke(_inner, args);
                return result is HsmKeyAttributes a ? a with { Extractable = false, WrapWithTrusted = false } : result;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }
}
