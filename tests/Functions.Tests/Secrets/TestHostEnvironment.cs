namespace HsmVault.Tests.Secrets;

/// <summary>Settings tests/run.sh exports for the standalone host, Azurite and the SoftHSM2 token (missing: a failed test, never a skip).</summary>
public static class TestHostEnvironment
{
    public const string TablePrefix = "e2e";

    public static Uri VaultUri => new(Need("HSMVAULT_TEST_URL"));
    public static string CaPath => Need("HSMVAULT_TEST_CA");
    public static string Tenant => Need("HSMVAULT_TEST_TENANT");
    public static string Tables => Need("HSMVAULT_TEST_TABLES");
    public static (string Id, string Secret) Admin => (Need("HSMVAULT_TEST_ADMIN_ID"), Need("HSMVAULT_TEST_ADMIN_SECRET"));
    public static (string Id, string Secret) NoAccess => (Need("HSMVAULT_TEST_NOACCESS_ID"), Need("HSMVAULT_TEST_NOACCESS_SECRET"));
    public static string TokenLabel => Need("HSMVAULT_TEST_TOKEN_LABEL");
    public static string TokenPin => Need("HSMVAULT_TEST_PIN");
    public static string SoftHsmConf => Need("SOFTHSM2_CONF");

    private static string Need(string name) => TestEnvironment.Require(name);
}
