using System.Text;
using HsmVault.Pipeline;
using Microsoft.AspNetCore.Http;

namespace HsmVault.Keys;

/// <summary>Key Vault list paging: <c>maxresults</c> (1-25) in, <c>nextLink</c> with an opaque <c>$skiptoken</c> out.</summary>
public static class Paging
{
    public const int MaxPageSize = 25;

    public static int MaxResults(HttpRequest request)
    {
        var raw = request.Query["maxresults"].ToString();
        if (raw.Length == 0) return MaxPageSize;
        if (!int.TryParse(raw, out var n) || n is < 1 or > MaxPageSize)
            throw VaultException.BadParameter($"maxresults must be an integer from 1 to {MaxPageSize}.");
        return n;
    }

    public static string? Continuation(HttpRequest request)
    {
        var raw = request.Query["$skiptoken"].ToString();
        if (raw.Length == 0) return null;
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WireBytes.Decode(raw, "$skiptoken"));
        }
        catch (VaultException)
        {
            throw VaultException.BadParameter("The $skiptoken is not valid.");
        }
        // Table storage's continuation is "{next partition key} {next row key}" (neither has a space here); anything else
        // would fail inside the storage SDK (found by the request fuzzer as a 500).
        if (token.Length > 1024 || token.Count(c => c == ' ') != 1 || token.Any(char.IsControl))
            throw VaultException.BadParameter("The $skiptoken is not valid.");
        return token;
    }

    public static string? NextLink(RequestContext ctx, string path, int maxResults, string? continuation) =>
        continuation is null
            ? null
            : $"{ctx.Vault.BaseUri}{path}?api-version={Uri.EscapeDataString(ctx.ApiVersion)}&maxresults={maxResults}" +
              $"&$skiptoken={WireBytes.Encode(Encoding.UTF8.GetBytes(continuation))}";
}
