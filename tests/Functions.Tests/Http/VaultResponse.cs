using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace HsmVault.Tests.Http;

/// <summary>A response read completely: status, headers and the JSON body (if any).</summary>
public sealed record VaultResponse(HttpStatusCode Status, HttpResponseHeaders Headers, string? ContentType, string Text)
{
    public static async Task<VaultResponse> ReadAsync(HttpResponseMessage response) => new(
        response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());

    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public void AssertStatus(int expected) =>
        Assert.True((int)Status == expected, $"expected {expected}, got {(int)Status}: {Text}");

    /// <summary>A Key Vault error: the status, <c>error.code</c>, optional <c>error.innererror.code</c>, and a message.</summary>
    public JsonElement AssertError(int status, string code, string? innerCode = null)
    {
        AssertStatus(status);
        AssertKeyVaultErrorBody();
        var error = Json.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (innerCode is not null) Assert.Equal(innerCode, error.GetProperty("innererror").GetProperty("code").GetString());
        return error;
    }

    /// <summary>The body is <c>{"error":{"code":..,"message":..}}</c> as application/json.</summary>
    public void AssertKeyVaultErrorBody()
    {
        Assert.Equal("application/json", ContentType);
        var error = Json.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()), Text);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()), Text);
    }
}
