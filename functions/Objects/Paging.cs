using System.Text;

namespace HsmVault.Objects;

/// <summary>The page a list request asks for: at most <paramref name="MaxResults"/> items, from <paramref name="Continuation"/>.</summary>
public sealed record PageRequest(int MaxResults, string? Continuation);

/// <summary>Key Vault list paging: <c>maxresults</c> (1-25) in, <c>nextLink</c> with an opaque <c>$skiptoken</c> out.</summary>
public static class Paging
{
    public const int MaxPageSize = 25;

    public static PageRequest Parse(string? maxResults, string? skipToken) => new(MaxResults(maxResults), Continuation(skipToken));

    public static int MaxResults(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return MaxPageSize;
        if (!int.TryParse(raw, out var n) || n is < 1 or > MaxPageSize)
            throw VaultException.BadParameter($"maxresults must be an integer from 1 to {MaxPageSize}.");
        return n;
    }

    public static string? Continuation(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        try
        {
            return Encoding.UTF8.GetString(WireBytes.Decode(raw, "$skiptoken"));
        }
        catch (VaultException)
        {
            throw VaultException.BadParameter("The $skiptoken is not valid.");
        }
    }

    public static string? NextLink(OperationContext ctx, string path, int maxResults, string? continuation) =>
        continuation is null
            ? null
            : $"{ctx.Vault.BaseUri}{path}?api-version={Uri.EscapeDataString(ctx.ApiVersion)}&maxresults={maxResults}" +
              $"&$skiptoken={WireBytes.Encode(Encoding.UTF8.GetBytes(continuation))}";
}
