using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Http;

/// <summary>Key Vault list pages: "value" items, then "nextLink", followed only on the first page's host and for a bounded number of pages.</summary>
public static class Paging
{
    public static IEnumerable<JsonNode> Items(Uri first, Func<Uri, JsonNode?> get, int maxPages)
    {
        Uri? next = first;
        for (var page = 0; next is not null && page < maxPages; page++)
        {
            var body = get(next);
            foreach (var item in body?["value"]?.AsArray() ?? []) if (item is not null) yield return item;
            var link = body?["nextLink"]?.GetValue<string>();
            next = link is { Length: > 0 } && Uri.TryCreate(link, UriKind.Absolute, out var u) && u.Authority == first.Authority ? u : null;
        }
    }
}
