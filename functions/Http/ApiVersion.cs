using HsmVault.Objects;

namespace HsmVault.Http;

/// <summary>The api-versions current Azure SDKs send; anything else is refused as Key Vault does.</summary>
public static class ApiVersion
{
    private static readonly HashSet<string> Supported =
    [
        "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6",
        "7.3-preview", "7.4-preview.1", "7.5-preview.1", "7.6-preview.1", "7.6-preview.2",
        "2025-06-01-preview", "2025-07-01", "2026-04-01",
    ];

    public static string Require(string? value)
    {
        if (string.IsNullOrEmpty(value))
            throw VaultException.BadParameter("The 'api-version' query parameter is required.");
        if (!Supported.Contains(value))
            throw VaultException.BadParameter(
                $"The specified version ({Truncate(value)}) is not recognized. Consider using the latest supported version (2026-04-01).");
        return value;
    }

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
