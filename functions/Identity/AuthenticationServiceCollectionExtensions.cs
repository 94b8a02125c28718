using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Identity;

public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates (at startup) <see cref="AuthOptions"/> from "HsmVault:Auth" and registers the singleton
    /// <see cref="BearerTokenValidator"/>. To fetch metadata with a particular client (e.g. one that trusts the
    /// standalone host's certificate), register it as a keyed singleton under <see cref="BearerTokenValidator.MetadataHttpClientKey"/>.
    /// </summary>
    public static IServiceCollection AddHsmVaultAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.TryAddSingleton(sp => new BearerTokenValidator(
            sp.GetRequiredService<IOptions<AuthOptions>>().Value,
            sp.GetKeyedService<HttpClient>(BearerTokenValidator.MetadataHttpClientKey),
            sp.GetService<ILogger<BearerTokenValidator>>(),
            sp.GetService<ITrustedTenants>(),
            sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Registers the development identity provider (standalone mode only): options from "HsmVault:DevIdentity",
    /// the signing key persisted in <paramref name="dataDirectory"/>, and <see cref="DevIdentityProvider"/>.
    /// Map its endpoints with <see cref="DevIdentityEndpoints.MapDevIdentityProvider"/>. The host must also set
    /// <see cref="AuthOptions.Authority"/> to its own https base URL (e.g. with PostConfigure).
    /// </summary>
    public static IServiceCollection AddDevIdentityProvider(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);

        var directory = Path.GetFullPath(dataDirectory);
        services.AddOptions<DevIdentityOptions>().Bind(configuration.GetSection(DevIdentityOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DevIdentityOptions>, DevIdentityOptionsValidator>());
        services.PostConfigure<AuthOptions>(o => o.UsesDevelopmentIdentityProvider = true);
        services.TryAddSingleton(_ => DevSigningKey.LoadOrCreate(directory));
        services.TryAddSingleton<DevIdentityProvider>();
        return services;
    }
}
