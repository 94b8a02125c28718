using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HsmVault.Portal;

public static class PortalServiceCollectionExtensions
{
    public static IServiceCollection AddPortal(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PortalOptions>(configuration.GetSection(PortalOptions.Section));
        services.AddSingleton<PortalAssets>();
        services.AddSingleton<PortalSettings>();
        return services;
    }
}
