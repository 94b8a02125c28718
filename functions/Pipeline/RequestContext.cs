using System.Text.Json;
using HsmVault.Identity;
using HsmVault.Vaults;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Pipeline;

/// <summary>What an operation knows about its request once the pipeline has authenticated and authorized it.</summary>
public sealed class RequestContext(HttpRequest request, Vault vault, CallerIdentity caller, string apiVersion, int maxBodyBytes)
{
    public HttpRequest Request { get; } = request;
    public Vault Vault { get; } = vault;
    public CallerIdentity Caller { get; } = caller;
    public string ApiVersion { get; } = apiVersion;
    public CancellationToken Cancellation => Request.HttpContext.RequestAborted;

    /// <summary>Object the operation touched (e.g. keys/name/version), recorded in the audit log.</summary>
    public string? AuditObjectId { get; set; }
    public string? AuditAlgorithm { get; set; }

    /// <summary>Reads and parses the JSON body, refusing oversized, empty or malformed bodies with 4xx errors.</summary>
    public async Task<T> ReadJsonAsync<T>() where T : class
    {
        var body = await ReadBodyAsync();
        if (body.Length == 0) throw VaultException.BadParameter("The request body is required.");
        try
        {
            return JsonSerializer.Deserialize<T>(body, VaultResult.Json)
                ?? throw VaultException.BadParameter("The request body is required.");
        }
        catch (JsonException e)
        {
            // JsonException messages name the offending path and position, never values.
            throw VaultException.BadParameter($"The request body is not valid JSON for this operation: {e.Path ?? "$"} (line {e.LineNumber}, position {e.BytePositionInLine}).");
        }
    }

    private async Task<byte[]> ReadBodyAsync()
    {
        if (Request.ContentLength > maxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await Request.Body.ReadAsync(chunk, Cancellation)) > 0)
        {
            if (buffer.Length + read > maxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private VaultException TooLarge() => new(System.Net.HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge",
        $"The request body is larger than the limit of {maxBodyBytes} bytes.");
}
