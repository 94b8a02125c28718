namespace HsmVault.Tests;

/// <summary>
/// The environment <c>bash tests/run.sh</c> prepares (SoftHSM2 token, Azurite, standalone host). A test that needs
/// it and does not find it fails with a message saying how to get it; it is never skipped.
/// </summary>
public static class TestEnvironment
{
    public static string Require(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(value)) return value;
        var hostError = Environment.GetEnvironmentVariable("HSMVAULT_TEST_HOST_ERROR");
        throw new InvalidOperationException(
            $"Environment variable {name} is not set. Run the tests with `bash tests/run.sh`, which starts SoftHSM2, " +
            "Azurite and the standalone host and exports HSMVAULT_TEST_* for them" +
            (string.IsNullOrEmpty(hostError) ? "." : $" (note: {hostError})."));
    }

    /// <summary>Azurite / Azure Table storage connection string.</summary>
    public static string Tables => Require("HSMVAULT_TEST_TABLES");

    /// <summary>A table prefix no other test class or the host uses: a letter plus random lower-case letters.</summary>
    public static string UniqueTablePrefix() =>
        "t" + new string(Enumerable.Range(0, 10).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
}
