using System.Text.RegularExpressions;
using HsmVault.Objects;

namespace HsmVault.Access;

/// <summary>
/// What a policy entry covers: "*" the whole vault (Key Vault's only kind), "name" one key, "prefix*" every key whose
/// name starts with prefix. Key names are case-insensitive, as in Key Vault.
/// </summary>
public static partial class KeyScope
{
    public const string Vault = "*";

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}\\*?\\z")]
    private static partial Regex Pattern();

    /// <summary>Null or empty means the whole vault.</summary>
    public static string Parse(string? scope)
    {
        if (string.IsNullOrWhiteSpace(scope) || scope == Vault) return Vault;
        return Pattern().IsMatch(scope)
            ? scope.ToLowerInvariant()
            : throw VaultException.BadParameter("The key scope must be a key name or a name prefix ending in '*' (letters, digits and dashes).");
    }

    public static bool Covers(string scope, string? keyName)
    {
        if (scope == Vault) return true;
        if (keyName is null) return false;
        return scope.EndsWith('*')
            ? keyName.StartsWith(scope[..^1], StringComparison.OrdinalIgnoreCase)
            : keyName.Equals(scope, StringComparison.OrdinalIgnoreCase);
    }
}
