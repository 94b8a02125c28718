using System.Security.Cryptography.X509Certificates;
using HsmVault.Http;
using HsmVault.Identity;
using HsmVault.Identity.Endpoints;
using HsmVault.Objects;
using HsmVault.Vaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Hosting;

/// <summary>
/// Runs the Function App without an Azure Functions host: Kestrel over HTTPS on loopback serving the same function
/// classes, plus the development identity provider when no production authority is configured.
/// </summary>
public static class StandaloneHost
{
    public static async Task RunAsync(string[] args) => await Build(args).RunAsync();

    /// <summary>
    /// The standalone app, configured and mapped but not started: configuration (local.settings.json, environment,
    /// command line), TLS certificate, Kestrel, services, routes. <see cref="RunAsync"/> runs it; a test can start it in process.
    /// </summary>
    /// <param name="telemetryExporters">Exporters to add (a test's in-memory ones); null: only those the environment configures.</param>
    public static WebApplication Build(string[] args, Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetryExporters = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddLocalSettings(Directory.GetCurrentDirectory());
        builder.Configuration.AddEnvironmentVariables(); // environment overrides local.settings.json
        builder.Configuration.AddCommandLine(args);
        var config = builder.Configuration;
        // ASP.NET Core logs every request at Information: on the hot path that costs more than the audit record.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Read before the host is built (they shape Kestrel and the certificate), so checked here, as the host checks the rest.
        var options = Settings.Require(config.GetSection(StandaloneOptions.Section).Get<StandaloneOptions>() ?? new StandaloneOptions(), o => o.Problems());
        var vaultOptions = Settings.Require(config.GetSection(VaultOptions.Section).Get<VaultOptions>() ?? new VaultOptions(), o => o.Problems());
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var certificate = DevCertificate.LoadOrCreate(dataDirectory, CertificateNames(options, vaultOptions));
        var baseUrl = $"https://{vaultOptions.DnsSuffix}:{options.Port}";

        // No production authority configured: this host is its own development identity provider.
        var devIdentity = string.IsNullOrEmpty(config["HsmVault:Auth:Authority"]);
        if (devIdentity) config["HsmVault:Auth:Authority"] = baseUrl;

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Max(1 << 20, config.GetValue("HsmVault:Limits:MaxRequestBodyBytes", 256 * 1024) * 4);
            kestrel.ListenLocalhost(options.Port, listen => listen.UseHttps(certificate.Certificate));
        });
        builder.Services.AddHsmVault(config, telemetryExporters);
        // The Functions host triggers the [TimerTrigger] functions in Azure; here this host does, from the same classes.
        builder.Services.AddHostedService<TimerFunctions>();
        if (devIdentity) builder.Services.AddDevIdentityProvider(config, dataDirectory);
        builder.Services.AddKeyedSingleton(BearerTokenValidator.MetadataHttpClientKey, (_, _) => MetadataClient(certificate.Certificate));

        var app = builder.Build();
        // Check every options section now, so a bad setting ends start-up with Program's one line instead of the host
        // logging the failure with a stack trace.
        app.Services.GetService<IStartupValidator>()?.Validate();
        if (devIdentity) app.MapDevIdentityProvider();
        app.MapFunctions(FunctionRoutes.Discover(typeof(StandaloneHost).Assembly));
        app.MapBenchmarkEndpointIfEnabled(config);
        app.MapFallback(context => VaultResult.Error(VaultException.NotFound("NotFound", "The requested path is not part of the vault API."))
            .WriteAsync(context.Response));

        Console.WriteLine($"HsmVault TLS certificate: {certificate.PemPath}");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Console.WriteLine($"HsmVault vault ready at {baseUrl}/");
            // Its own identity provider answers only now that it listens.
            if (devIdentity) WarmUpIdentityMetadata(app);
            if (devIdentity) Console.WriteLine($"HsmVault development token endpoint: {baseUrl}/{config["HsmVault:Auth:TenantId"]}/oauth2/v2.0/token");
        });
        // Another identity provider: read its metadata while the rest of start-up runs.
        if (!devIdentity) WarmUpIdentityMetadata(app);
        return app;
    }

    /// <summary>A restarted instance reads the issuer's metadata and keys now, not inside its first caller's request.</summary>
    private static void WarmUpIdentityMetadata(WebApplication app) =>
        _ = app.Services.GetRequiredService<BearerTokenValidator>().WarmUpAsync(app.Lifetime.ApplicationStopping);

    /// <summary>
    /// The client for OpenID metadata: normal certificate validation, plus exactly this host's own certificate, so a
    /// standalone instance can trust its own development identity provider or another instance sharing its data folder.
    /// </summary>
    private static HttpClient MetadataClient(X509Certificate2 certificate) => new(new SocketsHttpHandler
    {
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None ||
                (presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash())),
        },
    })
    { Timeout = TimeSpan.FromSeconds(10) };

    private static List<string> CertificateNames(StandaloneOptions options, VaultOptions vaults)
    {
        var names = new List<string> { "localhost", vaults.DnsSuffix, "*." + vaults.DnsSuffix };
        names.AddRange(options.HostNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
