using HsmVault.Hosting;
using HsmVault.Hsm;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

if (HostMode.UnderFunctionsHost(args))
{
    // Launched by the Azure Functions host: the isolated worker with ASP.NET Core integration.
    var host = new HostBuilder()
        .ConfigureFunctionsWebApplication()
        .ConfigureServices((context, services) => services.AddHsmVault(context.Configuration))
        .Build();
    await host.RunAsync();
    return 0;
}

try
{
    await StandaloneHost.RunAsync(args);
    return 0;
}
catch (Exception e) when (e is HsmException or OptionsValidationException or IOException)
{
    // A set-up problem (no HSM token, bad PIN, bad settings, port taken): say what, without a stack trace.
    Console.Error.WriteLine($"HsmVault could not start: {e.Message}");
    return 1;
}
