using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HsmVault.Identity;
using HsmVault.Identity.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Tests.Identity;

/// <summary>
/// A real Kestrel HTTPS server on loopback (self-signed certificate made here) hosting the development identity
/// provider, wired exactly as the standalone host wires it.
/// </summary>
public sealed class DevIdentityServerFixture : IAsyncLifetime
{
    public const string TenantId = "11111111-1111-4111-8111-111111111111";
    public const string OtherTenantId = "22222222-2222-4222-8222-222222222222";
    public const string AdminClientId = "vault-admin";
    public const string AdminSecret = "dev-secret-vault-admin";
    public const string AdminObjectId = "aaaaaaaa-0000-4000-8000-000000000001";
    public const string ForeignClientId = "foreign-app";
    public const string ForeignSecret = "dev-secret-foreign";
    public const string ForeignObjectId = "cccccccc-0000-4000-8000-000000000003";
    public const string VaultScope = AuthOptions.DefaultAudience + "/.default";

    private WebApplication? _app;
    private X509Certificate2? _certificate;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "hsmvault-identity-tests-" + Guid.NewGuid().ToString("N"));
    public string Authority { get; private set; } = "";
    public HttpClient Client { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;
    public BearerTokenValidator Validator => Services.GetRequiredService<BearerTokenValidator>();
    public DevIdentityProvider Provider => Services.GetRequiredService<DevIdentityProvider>();
    public ConcurrentQueue<string> LogMessages { get; } = new();

    public async Task InitializeAsync()
    {
        _certificate = CreateSelfSignedCertificate();
        var port = GetFreeLoopbackPort();
        Authority = $"https://127.0.0.1:{port}";

        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HsmVault:Auth:Authority"] = "",
            ["HsmVault:Auth:TenantId"] = TenantId,
            ["HsmVault:DevIdentity:Principals:0:ClientId"] = AdminClientId,
            ["HsmVault:DevIdentity:Principals:0:ClientSecret"] = AdminSecret,
            ["HsmVault:DevIdentity:Principals:0:ObjectId"] = AdminObjectId,
            ["HsmVault:DevIdentity:Principals:0:Roles:0"] = "Vault.Admin",
            ["HsmVault:DevIdentity:Principals:0:Roles:1"] = "Vault.Reader",
            ["HsmVault:DevIdentity:Principals:1:ClientId"] = ForeignClientId,
            ["HsmVault:DevIdentity:Principals:1:ClientSecret"] = ForeignSecret,
            ["HsmVault:DevIdentity:Principals:1:ObjectId"] = ForeignObjectId,
            ["HsmVault:DevIdentity:Principals:1:TenantId"] = OtherTenantId,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(new CollectingLoggerProvider(LogMessages));
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(_certificate)));

        builder.Services.AddHsmVaultAuthentication(builder.Configuration);
        builder.Services.AddDevIdentityProvider(builder.Configuration, DataDirectory);
        var authority = Authority;
        builder.Services.PostConfigure<AuthOptions>(o =>
        {
            if (string.IsNullOrEmpty(o.Authority)) o.Authority = authority;
        });
        builder.Services.AddKeyedSingleton(BearerTokenValidator.MetadataHttpClientKey, (_, _) => CreateTrustingClient());

        _app = builder.Build();
        _app.MapDevIdentityProvider();
        await _app.StartAsync();

        Client = CreateTrustingClient();
        Client.BaseAddress = new Uri(Authority + "/");
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _certificate?.Dispose();
        if (Directory.Exists(DataDirectory))
            Directory.Delete(DataDirectory, recursive: true);
    }

    /// <summary>An HttpClient that trusts exactly this fixture's certificate (pinned by thumbprint).</summary>
    public HttpClient CreateTrustingClient(bool followRedirects = true)
    {
        var thumbprint = _certificate!.GetCertHashString(HashAlgorithmName.SHA256);
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = followRedirects,
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                cert is not null && cert.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint,
        };
        return new HttpClient(handler);
    }

    public Task<HttpResponseMessage> PostTokenRequestAsync(string tenant, IDictionary<string, string> form) =>
        Client.PostAsync($"{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(form));

    /// <summary>Gets a real token from the token endpoint.</summary>
    public async Task<string> RequestTokenAsync(
        string clientId = AdminClientId, string secret = AdminSecret, string scope = VaultScope, string tenant = TenantId)
    {
        using var response = await PostTokenRequestAsync(tenant, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public string Issuer => $"{Authority}/{TenantId}/v2.0";

    /// <summary>Claims of a good token; tests remove or change some before <see cref="Sign"/>.</summary>
    public Dictionary<string, object> GoodClaims(DateTimeOffset? now = null)
    {
        var t = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = AuthOptions.DefaultAudience,
            ["tid"] = TenantId,
            ["oid"] = AdminObjectId,
            ["sub"] = AdminObjectId,
            ["azp"] = AdminClientId,
            ["iat"] = t,
            ["nbf"] = t,
            ["exp"] = t + 3600,
            ["ver"] = "2.0",
        };
    }

    /// <summary>Signs claims with the dev IdP's key (or <paramref name="credentials"/>), header kid from the key.</summary>
    public string Sign(Dictionary<string, object> claims, SigningCredentials? credentials = null)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(JsonSerializer.Serialize(claims), credentials ?? Provider.SigningKey.SigningCredentials);
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    private static int GetFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(sink);
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DevIdentityServerCollection : ICollectionFixture<DevIdentityServerFixture>
{
    public const string Name = "Dev identity server";
}
