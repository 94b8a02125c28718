using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace HsmVault.Hosting;

/// <summary>
/// Reads the "Values" of local.settings.json (the Functions host's local file) so the standalone host uses the
/// same settings; <c>A__B</c> keys become sections as the Functions host makes them.
/// </summary>
public static class LocalSettings
{
    public static IConfigurationBuilder AddLocalSettings(this IConfigurationBuilder builder, string directory)
    {
        var path = Path.Combine(directory, "local.settings.json");
        if (!File.Exists(path)) return builder;
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var values = new Dictionary<string, string?>();
        if (doc.RootElement.TryGetProperty("Values", out var section))
            foreach (var p in section.EnumerateObject())
                values[p.Name.Replace("__", ":")] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
        return builder.AddInMemoryCollection(values);
    }
}
