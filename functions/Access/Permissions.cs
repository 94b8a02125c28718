namespace HsmVault.Access;

/// <summary>Key Vault's access-policy permission names.</summary>
public static class Permissions
{
    public static readonly IReadOnlyList<string> Keys =
    [
        "get", "list", "create", "import", "update", "delete", "recover", "backup", "restore", "purge",
        "encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "rotate", "getrotationpolicy", "setrotationpolicy", "release",
    ];

    public static readonly IReadOnlyList<string> Secrets = ["get", "list", "set", "delete", "recover", "backup", "restore", "purge"];

    /// <summary>Parses a comma- or space-separated list; "all" grants every name; unknown names are refused.</summary>
    public static IReadOnlySet<string> Parse(string? list, IReadOnlyList<string> known)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in (list ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item.Equals("all", StringComparison.OrdinalIgnoreCase)) { result.UnionWith(known); continue; }
            var name = known.FirstOrDefault(k => k.Equals(item, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown permission '{item}'. Known: all, {string.Join(", ", known)}.");
            result.Add(name);
        }
        return result;
    }
}
