using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HsmVault.Hosting;
using Microsoft.AspNetCore.Builder;

namespace HsmVault.Tests.InProcess;

/// <summary>
/// The real standalone app (SoftHSM2, Azurite, HTTPS on loopback) started inside the test process on a free port,
/// and an HttpClient that trusts exactly its certificate.
/// </summary>
public sealed class InProcessApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessApp(WebApplication app, int port, X509Certificate2 certificate)
    {
        _app = app;
        BaseUri = new Uri($"https://localhost:{port}/");
        Client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash()) },
        })
        { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseUri { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the app with <paramref name="settings"/> (configuration keys such as <c>HsmVault:Hsm:TokenLabel</c>) on a free port,
    /// with its data (TLS certificate, development signing key) in <paramref name="dataDirectory"/>.
    /// </summary>
    public static async Task<InProcessApp> StartAsync(IEnumerable<KeyValuePair<string, string>> settings, string dataDirectory,
        Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetryExporters = null)
    {
        var port = FreePort();
        Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var args = settings
            .Concat([new("HsmVault:Standalone:Port", $"{port}"), new("HsmVault:Vaults:PublicPort", $"{port}"),
                     new("HsmVault:Standalone:DataDirectory", dataDirectory)])
            .Select(s => $"--{s.Key}={s.Value}")
            .ToArray();
        var app = StandaloneHost.Build(args, telemetryExporters);
        await app.StartAsync();
        var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dataDirectory, "tls-cert.pem")));
        return new InProcessApp(app, port, certificate);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try { await _app.StopAsync(); } finally { await _app.DisposeAsync(); }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
