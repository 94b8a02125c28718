using HsmVault.Hosting;
using HsmVault.Hsm;
using HsmVault.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

if (args.Length > 0 && args[0] == BackupKeyCommand.Verb)
{
    try
    {
        return BackupKeyCommand.Run(args);
    }
    catch (HsmException e)
    {
        Console.Error.WriteLine($"init-backup-key failed: {e.Message}");
        return 1;
    }
}

if (HostMode.UnderFunctionsHost(args))
{
    // Launched by the Azure Functions host: the isolated worker with ASP.NET Core integration.
    var host = new HostBuilder()
        .ConfigureFunctionsWebApplication()
        .ConfigureServices((context, services) => services
            // Behind the Functions front end: the client's address arrives in X-Forwarded-For.
            .AddSingleton(new ClientAddresses(trustForwardedFor: true))
            .AddHsmVault(context.Configuration))
        .Build();
    await host.RunAsync();
    return 0;
}

try
{
    await StandaloneHost.RunAsync(args);
    return 0;
}
catch (Exception e) when (SetupProblem(e) is { } problem)
{
    // A set-up problem (no HSM token, bad PIN, bad settings, port taken): say what, without a stack trace.
    Console.Error.WriteLine($"HsmVault could not start: {problem}");
    return 1;
}

// One line for a problem an operator fixes in the settings or the environment; null for a bug (which keeps its stack trace).
static string? SetupProblem(Exception e) => e switch
{
    HsmException or OptionsValidationException or IOException => e.Message.ReplaceLineEndings(" "),
    // The configuration binder's "Failed to convert configuration value … at 'HsmVault:…' to type …".
    InvalidOperationException when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => e.Message,
    // Several options sections failed their start-up checks at once.
    AggregateException a when a.InnerExceptions.Count > 0 && a.InnerExceptions.All(i => SetupProblem(i) is not null) =>
        string.Join("; ", a.InnerExceptions.Select(i => SetupProblem(i))),
    _ => null,
};
