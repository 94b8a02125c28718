using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;

namespace HsmVault.PowerShell.Http;

/// <summary>Key Vault-style REST calls with a bearer token from the connection's TokenCredential. Bodies are never logged.</summary>
public sealed class VaultClient(HttpClient http, TokenCredential credential, string[] scopes, string? tenantId) : IDisposable
{
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private AccessToken? _token;

    public async Task<VaultResponse> SendAsync(HttpMethod method, Uri uri, JsonNode? body, string clientRequestId, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellation));
        request.Headers.Add("x-ms-client-request-id", clientRequestId);
        request.Headers.Add("x-ms-return-client-request-id", "true");
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        var requestId = response.Headers.TryGetValues("x-ms-request-id", out var ids) ? ids.FirstOrDefault() : null;
        JsonNode? json = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json") == true)
        {
            try { json = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { json = null; }
        }
        if (!response.IsSuccessStatusCode) throw Failure(response.StatusCode, json, clientRequestId);
        return new VaultResponse(response.StatusCode, json, requestId, text);
    }

    /// <summary>Acquires (and caches) a token now, so Connect-HsmVault fails at once when the credential is wrong.</summary>
    public async Task<AccessToken> AcquireTokenAsync(CancellationToken cancellation)
    {
        await TokenAsync(cancellation);
        return _token!.Value;
    }

    private async Task<string> TokenAsync(CancellationToken cancellation)
    {
        if (_token is { } t && t.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(2)) return t.Token;
        await _tokenGate.WaitAsync(cancellation);
        try
        {
            if (_token is { } again && again.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(2)) return again.Token;
            _token = await credential.GetTokenAsync(new TokenRequestContext(scopes, tenantId: tenantId), cancellation);
            return _token.Value.Token;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    private static VaultServiceException Failure(HttpStatusCode status, JsonNode? json, string clientRequestId)
    {
        var error = json?["error"];
        var code = error?["code"]?.GetValue<string>() ?? status.ToString();
        var message = error?["message"]?.GetValue<string>() ?? $"The vault answered {(int)status} {status}.";
        var inner = error?["innererror"]?["code"]?.GetValue<string>();
        return new VaultServiceException(status, code, inner, message, clientRequestId);
    }

    public void Dispose()
    {
        http.Dispose();
        _tokenGate.Dispose();
    }
}

/// <summary>An answer: the parsed JSON body, and its text as sent (for files written as the service returned them).</summary>
public sealed record VaultResponse(HttpStatusCode Status, JsonNode? Body, string? RequestId, string Text = "");
