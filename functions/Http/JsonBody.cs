using System.Buffers;
using System.Net;
using System.Text.Json;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Http;

/// <summary>Reads a JSON request body, refusing oversized, empty or malformed bodies with 4xx errors.</summary>
public static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, int maxBodyBytes) where T : class =>
        Parse<T>(await ReadBytesAsync(request, maxBodyBytes));

    /// <summary>A body's bytes as <typeparamref name="T"/>; 400 BadParameter when empty, null or not JSON of that shape.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> body) where T : class
    {
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

    private static async Task<byte[]> ReadBytesAsync(HttpRequest request, int maxBodyBytes)
    {
        var ct = request.HttpContext.RequestAborted;
        if (request.ContentLength is { } declared)
        {
            // The usual case: the body is read straight into an array of its declared size (the server enforces the length).
            if (declared > maxBodyBytes) throw TooLarge(maxBodyBytes);
            var body = new byte[declared];
            await request.Body.ReadExactlyAsync(body, ct);
            return body;
        }
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBodyBytes) throw TooLarge(maxBodyBytes);
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    private static VaultException TooLarge(int maxBodyBytes) => new(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge",
        $"The request body is larger than the limit of {maxBodyBytes} bytes.");
}
