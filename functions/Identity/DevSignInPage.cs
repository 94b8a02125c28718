using System.Text;
using System.Text.Encodings.Web;

namespace HsmVault.Identity;

/// <summary>
/// The development identity provider's sign-in page: pick a configured principal, type its secret. Server-rendered HTML with
/// every value encoded, no script, styled by the portal's stylesheet.
/// </summary>
public static class DevSignInPage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static string Render(string action, IReadOnlyDictionary<string, string> hidden, IEnumerable<string> clientIds, string? selected, string? error)
    {
        var h = HtmlEncoder.Default;
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Sign in – HsmVault development identity provider</title>")
            .Append("<link rel=\"stylesheet\" href=\"/portal/app.css\"></head><body>")
            .Append("<main class=\"signin\"><h1>Sign in to HsmVault</h1>")
            .Append("<p class=\"muted\">Development identity provider (standalone mode): sign in as one of the configured principals with its secret.</p>");
        if (error is not null)
            html.Append("<p class=\"error\" role=\"alert\">").Append(h.Encode(error)).Append("</p>");
        html.Append("<form method=\"post\" action=\"").Append(h.Encode(action)).Append("\">");
        foreach (var (name, value) in hidden)
            html.Append("<input type=\"hidden\" name=\"").Append(h.Encode(name)).Append("\" value=\"").Append(h.Encode(value)).Append("\">");
        html.Append("<label for=\"principal\">Principal</label><select id=\"principal\" name=\"principal\" required>");
        foreach (var id in clientIds)
        {
            html.Append("<option value=\"").Append(h.Encode(id)).Append('"');
            if (id == selected) html.Append(" selected");
            html.Append('>').Append(h.Encode(id)).Append("</option>");
        }
        html.Append("</select>")
            .Append("<label for=\"secret\">Secret</label><input id=\"secret\" name=\"secret\" type=\"password\" autocomplete=\"current-password\" required>")
            .Append("<button type=\"submit\" class=\"primary\">Sign in</button></form></main></body></html>");
        return html.ToString();
    }

    public static string RenderError(string message) =>
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in error</title>" +
        "<link rel=\"stylesheet\" href=\"/portal/app.css\"></head><body><main class=\"signin\"><h1>Sign-in error</h1>" +
        $"<p class=\"error\" role=\"alert\">{HtmlEncoder.Default.Encode(message)}</p></main></body></html>";
}
