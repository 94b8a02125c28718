using System.Text.RegularExpressions;
using HsmVault.Objects;

namespace HsmVault.Vaults;

/// <summary>Key Vault's vault-name rules: 3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no "--".</summary>
public static partial class VaultNames
{
    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]\\z")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name) && !name.Contains("--");

    public static string Require(string? name) => IsValid(name)
        ? name!.ToLowerInvariant()
        : throw VaultException.BadParameter(
            $"The vault name '{Short(name)}' is invalid: a vault name is 3-24 characters, letters, digits and hyphens, starts with a letter, ends with a letter or digit and has no consecutive hyphens.");

    private static string Short(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "…";
}
