using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmVault.Cli.Byok;

/// <summary>The few Key Vault REST calls the BYOK tool makes, with a bearer token and optionally a pinned CA certificate.</summary>
internal sealed class VaultClient(Uri vault, string accessToken, string? caFile) : IDisposable
{
    private const string ApiVersion = "7.4";
    private readonly HttpClient _http = Create(caFile);

    public async Task<JsonObject> GetKeyAsync(string name, string? version, CancellationToken ct) =>
        await SendAsync(HttpMethod.Get, $"keys/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version ?? "")}", null, ct);

    public async Task<JsonObject> ImportKeyAsync(string name, JsonObject body, CancellationToken ct) =>
        await SendAsync(HttpMethod.Put, $"keys/{Uri.EscapeDataString(name)}", body, ct);

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(vault, $"{path}?api-version={ApiVersion}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonObject? json = null;
        try { json = JsonNode.Parse(text) as JsonObject; } catch (JsonException) { }
        if (!response.IsSuccessStatusCode)
        {
            var error = json?["error"];
            throw new CliException($"The vault answered {(int)response.StatusCode} {error?["code"]}: {error?["message"] ?? text}");
        }
        return json ?? throw new CliException("The vault's answer is not JSON.");
    }

    private static HttpClient Create(string? caFile)
    {
        var handler = new HttpClientHandler();
        if (caFile is not null)
        {
            // Trust exactly this CA (e.g. a local vault's self-signed certificate), not the machine's store.
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
            handler.ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
            {
                if (cert is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(cert) && (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == 0;
            };
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A failure to report to the user in one line (exit code 1), never with a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
