using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using HsmVault.Tests.InProcess;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace HsmVault.Tests.Http;

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "standalone host";
}

/// <summary>
/// The real app, started inside the test process (<see cref="InProcessApp"/>) with the settings of the standalone host
/// <c>bash tests/run.sh</c> started (same Azurite tables, SoftHSM2 token, TLS certificate and seeded vaults), trusting that
/// host's development identity provider as a second instance does; tokens come from that host. Its log goes to a file the
/// hygiene tests search.
/// </summary>
public sealed class HostFixture : IAsyncLifetime
{
    public const string ApiVersion = "7.6";
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private InProcessApp _app = null!;
    private HttpClient _identity = null!;

    /// <summary>The in-process app's base URL.</summary>
    public Uri BaseUri => _app.BaseUri;
    /// <summary>The identity provider's base URL (the out-of-process host), as the 401 challenge names it.</summary>
    public Uri Authority { get; private set; } = null!;
    public string Tenant { get; private set; } = "";
    public string TablesConnectionString { get; private set; } = "";
    public HttpClient Client => _app.Client;
    /// <summary>
    /// Sends from 127.0.0.3 (all of 127/8 is loopback): floods of bad tokens go through it, so that they spend that address's
    /// failed-authentication budget, not the one of 127.0.0.1 every other test comes from.
    /// </summary>
    public HttpClient FloodClient { get; private set; } = null!;
    public X509Certificate2 Certificate { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Authority = new Uri(TestEnvironment.Require("HSMVAULT_TEST_URL").TrimEnd('/') + "/");
        Tenant = TestEnvironment.Require("HSMVAULT_TEST_TENANT");
        TablesConnectionString = TestEnvironment.Tables;
        var ca = TestEnvironment.Require("HSMVAULT_TEST_CA");
        Certificate = X509Certificate2.CreateFromPem(ca.TrimStart().StartsWith("-----BEGIN") ? ca : File.ReadAllText(ca));
        _identity = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, errors) => TrustedByCa(presented, errors) },
        })
        { BaseAddress = Authority, Timeout = TimeSpan.FromSeconds(60) };

        var hostDir = TestEnvironment.Require("HSMVAULT_TEST_HOST_DIR");
        var settings = HostSettings.Read(TestEnvironment.Require("HSMVAULT_TEST_HOST_SETTINGS"))
            .Append(new("HsmVault:Auth:Authority", Authority.ToString().TrimEnd('/')));
        var logPath = Path.Combine(hostDir, "inprocess.log");
        _app = await InProcessApp.StartAsync(settings, Path.Combine(hostDir, "data"),
            otel => otel.WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(new LogFileExporter(logPath)))));
        // The line the out-of-process host prints on its console, which the hygiene tests look for to know the file is a host's log.
        await File.AppendAllTextAsync(logPath, $"HsmVault vault ready at {BaseUri} (in the .NET tests' process)\n");
        FloodClient = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, errors) => TrustedByCa(presented, errors) },
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _identity?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        FloodClient?.Dispose();
    }

    /// <summary>Name and date checks stay on; the chain must end at exactly the configured certificate.</summary>
    private bool TrustedByCa(X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(presented);
        return chain.Build(leaf) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(Certificate.RawData);
    }

    public string AdminClientId => TestEnvironment.Require("HSMVAULT_TEST_ADMIN_ID");
    public string AdminSecret => TestEnvironment.Require("HSMVAULT_TEST_ADMIN_SECRET");
    public string NoAccessClientId => TestEnvironment.Require("HSMVAULT_TEST_NOACCESS_ID");

    public Task<string> AdminTokenAsync() => TokenAsync(AdminClientId, AdminSecret);
    public Task<string> NoAccessTokenAsync() => TokenAsync(NoAccessClientId, TestEnvironment.Require("HSMVAULT_TEST_NOACCESS_SECRET"));

    public async Task<string> TokenAsync(string clientId, string secret)
    {
        if (_tokens.TryGetValue(clientId, out var cached)) return cached;
        var token = await DevTokens.FetchAsync(_identity, Tenant, clientId, secret);
        return _tokens[clientId] = token;
    }

    /// <summary>The claims of a JWT (no validation: the host validates; tests only read oid/tid/appid).</summary>
    public static JsonElement ClaimsOf(string jwt)
    {
        var payload = jwt.Split('.')[1];
        return JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload)).RootElement.Clone();
    }

    /// <summary>Sends a vault request; api-version is added unless <paramref name="apiVersion"/> is null.</summary>
    public async Task<VaultResponse> SendAsync(HttpMethod method, string path, object? body = null, string? token = null,
        string? apiVersion = ApiVersion, string? clientRequestId = null, string? rawBody = null, string? query = null, HttpClient? via = null)
    {
        var uri = path + (apiVersion is null ? "" : $"?api-version={Uri.EscapeDataString(apiVersion)}") + (query is null ? "" : (apiVersion is null ? "?" : "&") + query);
        using var request = new HttpRequestMessage(method, uri);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (clientRequestId is not null) request.Headers.Add("x-ms-client-request-id", clientRequestId);
        if (rawBody is not null) request.Content = new StringContent(rawBody, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await (via ?? Client).SendAsync(request);
        return await VaultResponse.ReadAsync(response);
    }

    public async Task<VaultResponse> AdminAsync(HttpMethod method, string path, object? body = null, string? clientRequestId = null) =>
        await SendAsync(method, path, body, await AdminTokenAsync(), clientRequestId: clientRequestId);

    /// <summary>Creates a key in the default vault and returns (name, version, bundle).</summary>
    public async Task<(string Name, string Version, JsonElement Bundle)> CreateKeyAsync(string prefix, object? body = null)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 127)];
        var r = await AdminAsync(HttpMethod.Post, $"keys/{name}/create", body ?? new { kty = "RSA", key_size = 2048 });
        r.AssertStatus(200);
        var kid = r.Json.GetProperty("key").GetProperty("kid").GetString()!;
        return (name, kid[(kid.LastIndexOf('/') + 1)..], r.Json);
    }
}
