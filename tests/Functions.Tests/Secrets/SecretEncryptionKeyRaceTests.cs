using System.Collections.Concurrent;
using System.Reflection;
using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Resilience;
using HsmVault.Secrets;
using HsmVault.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Secrets;

/// <summary>
/// Two instances (two SecretEncryptionKeys with separate caches, as two hosts would have) race to create a vault's
/// secret-encryption key against the real SoftHSM2 token and Azurite: both must end up with the same key, and every key
/// the losers generated must be gone from the HSM.
/// </summary>
public sealed class SecretEncryptionKeyRaceTests
{
    [Fact]
    public async Task Racing_instances_agree_on_one_key_and_the_losers_destroy_theirs()
    {
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", TestHostEnvironment.SoftHsmConf);
        using var token = HsmToken.Open(new HsmOptions
        {
            LibraryPath = "/usr/lib/softhsm/libsofthsm2.so", TokenLabel = TestHostEnvironment.TokenLabel, UserPin = TestHostEnvironment.TokenPin,
        });
        var generated = new ConcurrentBag<HsmKeyId>();
        var hsm = GenerationRecorder.Wrap(token, generated);
        var tables = new Tables(Options.Create(new StorageOptions { ConnectionString = TestHostEnvironment.Tables, TablePrefix = TestHostEnvironment.TablePrefix }));
        await tables.CreateIfMissingAsync(CancellationToken.None);
        var resilience = new ResiliencePipelines(TimeSpan.FromSeconds(10));
        SecretEncryptionKeys Instance() => new(new OneToken(hsm), tables, resilience, TimeProvider.System, NullLogger<SecretEncryptionKeys>.Instance);

        var losers = 0;
        for (var round = 0; round < 5; round++)
        {
            generated.Clear();
            var vault = SecretClients.UniqueName("race");
            var instances = Enumerable.Range(0, 4).Select(_ => Instance()).ToList();
            var ids = await Task.WhenAll(instances.Select(i => Task.Run(() => i.ForVaultAsync(vault, CancellationToken.None))));

            var winner = Assert.Single(ids.Distinct());
            Assert.Contains(winner, generated);
            var attributes = token.GetKeyAttributes(winner);
            Assert.True(attributes.Token && attributes.Sensitive && attributes.AlwaysSensitive && attributes.WrapWithTrusted);
            foreach (var loser in generated.Where(g => g != winner))
            {
                losers++;
                Assert.Equal(HsmErrorKind.NotFound, Assert.Throws<HsmException>(() => token.GetKeyAttributes(loser)).Kind);
            }
            // A later instance (a restart) reads the winner from its row.
            Assert.Equal(winner, await Instance().ForVaultAsync(vault, CancellationToken.None));
            token.DestroyKey(winner);
        }
        Assert.True(losers > 0, "no round had a real race (every instance but one found the row); the test proved nothing");
    }

    /// <summary>An IHsm that passes every call through and records the keys GenerateAes made.</summary>
    public class GenerationRecorder : DispatchProxy
    {
        private IHsm _inner = null!;
        private ConcurrentBag<HsmKeyId> _generated = null!;

        public static IHsm Wrap(IHsm inner, ConcurrentBag<HsmKeyId> generated)
        {
            var proxy = Create<IHsm, GenerationRecorder>();
            var recorder = (GenerationRecorder)(object)proxy;
            recorder._inner = inner;
            recorder._generated = generated;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            try
            {
                var result = method!.Invoke(_inner, args);
                if (method.Name == nameof(IHsm.GenerateAes)) _generated.Add((HsmKeyId)result!);
                return result;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }
}
