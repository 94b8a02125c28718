using System.Collections;
using System.Text.Json.Nodes;

namespace HsmVault.PowerShell.Models;

/// <summary>Small conversions between Key Vault JSON and PowerShell values (Unix seconds, tags, string lists).</summary>
public static class Wire
{
    public static DateTime? Time(JsonNode? seconds) =>
        seconds is null ? null : DateTimeOffset.FromUnixTimeSeconds(seconds.GetValue<long>()).UtcDateTime;

    public static long UnixSeconds(DateTime time) => new DateTimeOffset(time.ToUniversalTime()).ToUnixTimeSeconds();

    public static string? Text(JsonNode? node) => node?.GetValue<string>();

    public static bool? Bool(JsonNode? node) => node?.GetValue<bool>();

    public static Hashtable Tags(JsonNode? tags)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in tags?.AsObject() ?? []) table[k] = v?.GetValue<string>();
        return table;
    }

    public static JsonObject TagsJson(Hashtable tags)
    {
        var json = new JsonObject();
        foreach (DictionaryEntry e in tags) json[e.Key.ToString()!] = e.Value?.ToString() ?? "";
        return json;
    }

    public static string[] Strings(JsonNode? array) =>
        array?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [];

    public static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());

    /// <summary>The name and version of a Key Vault object id: https://{vault}/{collection}/{name}[/{version}].</summary>
    public static (string Name, string? Version) NameAndVersion(string id)
    {
        var segments = new Uri(id).AbsolutePath.Trim('/').Split('/');
        return (segments.ElementAtOrDefault(1) ?? "", segments.ElementAtOrDefault(2));
    }

    /// <summary>The "attributes" of a create/update body; only what was given.</summary>
    public static JsonObject Attributes(bool? enabled, DateTime? notBefore, DateTime? expires)
    {
        var a = new JsonObject();
        if (enabled is { } e) a["enabled"] = e;
        if (notBefore is { } nbf) a["nbf"] = UnixSeconds(nbf);
        if (expires is { } exp) a["exp"] = UnixSeconds(exp);
        return a;
    }
}
