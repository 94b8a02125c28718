using HsmVault.Access;
using HsmVault.Audit;
using HsmVault.Hsm;
using HsmVault.Http;
using HsmVault.Identity;
using HsmVault.Keys;
using HsmVault.Management;
using HsmVault.Objects;
using HsmVault.Portal;
using HsmVault.Reconciliation;
using HsmVault.Resilience;
using HsmVault.Secrets;
using HsmVault.Storage;
using HsmVault.Storage.Sweeps;
using HsmVault.Throttling;
using HsmVault.Vaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HsmVault.Hosting;

/// <summary>Everything both hosts register: the request pipeline and every feature behind it.</summary>
public static class HsmVaultServices
{
    /// <param name="telemetryExporters">Further exporters (tests: in-memory); telemetry is on when this or a configured exporter is.</param>
    public static IServiceCollection AddHsmVault(this IServiceCollection services, IConfiguration configuration,
        Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetryExporters = null)
    {
        // Every section is checked when the host starts: a bad value stops it with a line naming the setting.
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.Section, o => o.Problems());
        services.AddValidatedOptions<VaultOptions>(configuration, VaultOptions.Section, o => o.Problems());
        services.AddValidatedOptions<LimitsOptions>(configuration, LimitsOptions.Section, o => o.Problems());
        services.AddValidatedOptions<SeedOptions>(configuration, SeedOptions.Section, SeedSettings.Problems);
        services.AddValidatedOptions<ThrottlingOptions>(configuration, ThrottlingOptions.Section, o => o.Problems());
        services.AddValidatedOptions<QuotaOptions>(configuration, QuotaOptions.Section, o => o.Problems());
        services.AddValidatedOptions<HsmOptions>(configuration, HsmSettings.Section, HsmSettings.Problems);
        services.AddValidatedOptions<CustomerHsmOptions>(configuration, CustomerHsmOptions.Section, o => o.Problems());
        services.AddValidatedOptions<AuditOptions>(configuration, AuditOptions.Section, o => o.Problems());
        services.Configure<TimerOptions>(configuration.GetSection(TimerOptions.Section));
        services.AddValidatedOptions<ReconciliationOptions>(configuration, ReconciliationOptions.Section, o => o.Problems());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SweepRunner>();

        services.AddSingleton<IHsm>(sp => HsmToken.Open(sp.GetRequiredService<IOptions<HsmOptions>>().Value));
        services.AddSingleton<Tables>();
        services.AddSingleton(sp => new ResiliencePipelines(sp.GetRequiredService<IOptions<StorageOptions>>().Value.OperationTimeout,
            sp.GetRequiredService<IOptions<HsmOptions>>().Value.CallTimeout, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<VaultHosts>();
        services.AddSingleton<VaultStateWatcher>();
        services.AddSingleton<VaultHsms>();
        services.AddSingleton<IVaultTokens>(sp => sp.GetRequiredService<VaultHsms>());
        services.AddSingleton<ITrustedTenants>(sp => sp.GetRequiredService<VaultStateWatcher>());
        services.AddSingleton<VaultStore>();
        services.AddSingleton<VaultDirectory>();
        services.AddSingleton<AccessPolicies>();
        services.AddSingleton<AccessPolicyStore>();
        services.AddSingleton<RequestThrottle>();
        services.AddSingleton<Blobs>();
        services.AddSingleton<AuditSigningKey>();
        services.AddSingleton<AuditJournal>();
        services.AddSingleton<AuditSegments>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ChainHeadSigner>();
        services.AddSingleton<UnauthenticatedCounter>();
        // Start order signer, log, counter; stop order the reverse: the counter's last aggregates reach the log before it
        // drains, and the last head is signed after the log drained.
        services.AddHostedService(sp => sp.GetRequiredService<ChainHeadSigner>());
        services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        services.AddHostedService(sp => sp.GetRequiredService<UnauthenticatedCounter>());
        services.AddHostedService<StartupInitializer>();
        // After the initializer, which creates the tables the watcher polls.
        services.AddHostedService(sp => sp.GetRequiredService<VaultStateWatcher>());
        services.TryAddSingleton(new ClientAddresses(trustForwardedFor: false));
        services.AddSingleton<AuditStep>();
        services.AddSingleton<FailedAuthentications>();
        services.AddSingleton<AuditQuery>();
        services.AddSingleton<AuditRetention>();
        services.AddSingleton<AuditJournalReplay>();
        services.AddSingleton<VaultRequestPipeline>();
        services.AddSingleton<ManagementPipeline>();
        services.AddSingleton<VaultManagement>();
        services.AddSingleton<AccessPolicyManagement>();
        services.AddHsmVaultAuthentication(configuration);
        services.AddPortal(configuration);
        services.AddSingleton<PortalCors>();

        services.AddSingleton<ILiveVaults>(sp => sp.GetRequiredService<VaultStateWatcher>());
        services.AddSingleton<ISystemAudit>(sp => sp.GetRequiredService<AuditLog>());
        services.AddSingleton<BackupBlobs>();
        services.AddSingleton<ScheduledPurge>();
        services.AddSingleton<VaultPurge>();

        services.AddSingleton<KeyStore>();
        services.AddSingleton<IRecentRows>(sp => sp.GetRequiredService<KeyStore>());
        services.AddSingleton<KeyMapper>();
        services.AddSingleton<KeyObjects>();
        services.AddSingleton<IPurgeableObjects>(sp => sp.GetRequiredService<KeyObjects>());
        services.AddSingleton<KeyRotationPolicies>();
        services.AddSingleton<KeyRotationSweep>();
        services.AddSingleton<KeyQuotas>();
        services.AddSingleton<KeyLifecycle>();
        services.AddSingleton<KeyCrypto>();
        services.AddSingleton<AesModeBinding>();

        services.AddSingleton<SecretEncryptionKeys>();
        services.AddSingleton<SecretCipher>();
        services.AddSingleton<SecretStore>();
        services.AddSingleton<IRecentRows>(sp => sp.GetRequiredService<SecretStore>());
        services.AddSingleton<SecretObjects>();
        services.AddSingleton<IPurgeableObjects>(sp => sp.GetRequiredService<SecretObjects>());
        services.AddSingleton<SecretLifecycle>();

        services.AddSingleton<HsmReconciliation>();

        // Last: it wraps the HSM registration above.
        services.AddHsmVaultTelemetry(configuration, telemetryExporters);
        return services;
    }
}
