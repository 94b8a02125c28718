using HsmVault;
using HsmVault.Hosting;
using Microsoft.Extensions.Hosting;

if (HostMode.UnderFunctionsHost(args))
{
    // Launched by the Azure Functions host: the isolated worker with ASP.NET Core integration.
    var host = new HostBuilder()
        .ConfigureFunctionsWebApplication()
        .ConfigureServices((context, services) => services.AddHsmVault(context.Configuration))
        .Build();
    await host.RunAsync();
}
else
{
    await StandaloneHost.RunAsync(args);
}
