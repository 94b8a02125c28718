using HsmVault.Objects;

namespace HsmVault.Http;

/// <summary>api-versions of the management API: ARM's Microsoft.KeyVault versions, and the data-plane ones for convenience.</summary>
public static class ManagementApiVersion
{
    private static readonly HashSet<string> Arm =
    [
        "2019-09-01", "2021-10-01", "2022-07-01", "2022-11-01", "2023-02-01", "2023-07-01", "2024-04-01-preview",
        "2024-11-01", "2024-12-01-preview",
    ];

    public static string Require(string? value) =>
        value is not null && Arm.Contains(value) ? value : ApiVersion.Require(value);
}
