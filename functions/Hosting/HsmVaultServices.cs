using HsmVault.Http;
using HsmVault.Access;
using HsmVault.Audit;
using HsmVault.Hsm;
using HsmVault.Identity;
using HsmVault.Keys;
using HsmVault.Management;
using HsmVault.Objects;
using HsmVault.Reconciliation;
using HsmVault.Resilience;
using HsmVault.Secrets;
using HsmVault.Storage;
using HsmVault.Throttling;
using HsmVault.Vaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HsmVault.Hosting;

/// <summary>Everything both hosts register: the request pipeline and every feature behind it.</summary>
public static class HsmVaultServices
{
    public const string HsmSection = "HsmVault:Hsm";

    public static IServiceCollection AddHsmVault(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.Configure<VaultOptions>(configuration.GetSection(VaultOptions.Section));
        services.Configure<LimitsOptions>(configuration.GetSection(LimitsOptions.Section));
        services.Configure<SeedOptions>(configuration.GetSection(SeedOptions.Section));
        services.Configure<ThrottlingOptions>(configuration.GetSection(ThrottlingOptions.Section));
        services.Configure<HsmOptions>(configuration.GetSection(HsmSection));
        services.Configure<ReconciliationOptions>(configuration.GetSection(ReconciliationOptions.Section));
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<IHsm>(sp => HsmToken.Open(sp.GetRequiredService<IOptions<HsmOptions>>().Value));
        services.AddSingleton<Tables>();
        services.AddSingleton(sp => new ResiliencePipelines(sp.GetRequiredService<IOptions<StorageOptions>>().Value.OperationTimeout));
        services.AddSingleton<VaultHosts>();
        services.AddSingleton<VaultStateWatcher>();
        services.AddSingleton<ITrustedTenants>(sp => sp.GetRequiredService<VaultStateWatcher>());
        services.AddSingleton<VaultStore>();
        services.AddSingleton<VaultDirectory>();
        services.AddSingleton<AccessPolicies>();
        services.AddSingleton<AccessPolicyStore>();
        services.AddSingleton<RequestThrottle>();
        services.AddSingleton<AuditLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        services.AddHostedService<StartupInitializer>();
        // After the initializer, which creates the tables the watcher polls.
        services.AddHostedService(sp => sp.GetRequiredService<VaultStateWatcher>());
        services.AddSingleton<VaultRequestPipeline>();
        services.AddSingleton<ManagementPipeline>();
        services.AddSingleton<VaultManagement>();
        services.AddHsmVaultAuthentication(configuration);

        services.AddSingleton<KeyStore>();
        services.AddSingleton<KeyMapper>();
        services.AddSingleton<KeyLifecycle>();
        services.AddSingleton<KeyCrypto>();

        services.AddSingleton<SecretEncryptionKeys>();
        services.AddSingleton<SecretCipher>();
        services.AddSingleton<SecretStore>();
        services.AddSingleton<SecretLifecycle>();

        services.AddSingleton<HsmReconciliation>();
        // After the initializer (tables exist).
        services.AddHostedService<ReconciliationService>();
        return services;
    }
}
