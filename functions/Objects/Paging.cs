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

    /// <summary>
    /// The storage continuation inside a <c>$skiptoken</c>. Storage's own tokens are one or two printable ASCII words; anything
    /// else is refused here, before it reaches the storage client (which turned some such tokens into a 500: the request fuzzer).
    /// </summary>
    public static string? Continuation(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        byte[] bytes;
        try
        {
            bytes = WireBytes.Decode(raw, "$skiptoken");
        }
        catch (VaultException)
        {
            throw InvalidSkipToken();
        }
        var text = Encoding.ASCII.GetString(bytes);
        if (bytes.Length is 0 or > MaxContinuationBytes || bytes.Any(b => b is < 0x20 or > 0x7E)
            || text.Split(' ') is not { Length: 1 or 2 } words || words.Any(w => w.Length == 0))
            throw InvalidSkipToken();
        return text;
    }

    private const int MaxContinuationBytes = 2048;
    private static VaultException InvalidSkipToken() => VaultException.BadParameter("The $skiptoken is not valid.");

    public static string? NextLink(OperationContext ctx, string path, int maxResults, string? continuation) =>
        continuation is null
            ? null
            : $"{ctx.Vault.BaseUri}{path}?api-version={Uri.EscapeDataString(ctx.ApiVersion)}&maxresults={maxResults}" +
              $"&$skiptoken={WireBytes.Encode(Encoding.UTF8.GetBytes(continuation))}";
}
