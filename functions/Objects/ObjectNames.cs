using System.Text.RegularExpressions;

namespace HsmVault.Objects;

/// <summary>Object names and versions as Key Vault accepts them.</summary>
public static partial class ObjectNames
{
    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}\\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-fA-F]{32}\\z")]
    private static partial Regex VersionPattern();

    public static string Name(string? name)
    {
        if (name is null || !NamePattern().IsMatch(name))
            throw VaultException.BadParameter("The request URI contains an invalid name: names are 1-127 letters, digits and dashes.");
        return name;
    }

    /// <summary>Null or empty means "the current version".</summary>
    public static string? Version(string? version, string objectKind = "key")
    {
        if (string.IsNullOrEmpty(version)) return null;
        if (!VersionPattern().IsMatch(version))
            throw VaultException.NotFound(objectKind == "key" ? "KeyNotFound" : "SecretNotFound",
                $"A {objectKind} with version '{Short(version)}' was not found in this key vault.");
        return version.ToLowerInvariant();
    }

    public static string NewVersion() => Guid.NewGuid().ToString("N");

    /// <summary>Echoes caller input in an error message only short and printable.</summary>
    public static string Short(string value) =>
        new(value.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
