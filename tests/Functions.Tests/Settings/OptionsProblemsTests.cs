using HsmVault.Audit;
using HsmVault.Hosting;
using HsmVault.Hsm;
using HsmVault.Http;
using HsmVault.Keys;
using HsmVault.Storage;
using HsmVault.Throttling;
using HsmVault.Vaults;

namespace HsmVault.Tests.Settings;

/// <summary>Every options class says what is wrong with a bad value, naming the setting; its defaults are fine.</summary>
public sealed class OptionsProblemsTests
{
    private static void AssertOneProblem(IEnumerable<string> problems, string setting, string? mentions = null)
    {
        var list = problems.ToList();
        var problem = Assert.Single(list);
        Assert.StartsWith(setting, problem);
        Assert.DoesNotContain('\n', problem);
        if (mentions is not null) Assert.Contains(mentions, problem);
    }

    [Fact]
    public void Defaults_have_no_problems()
    {
        Assert.Empty(new StorageOptions().Problems());
        Assert.Empty(new VaultOptions().Problems());
        Assert.Empty(new LimitsOptions().Problems());
        Assert.Empty(new ThrottlingOptions().Problems());
        Assert.Empty(new QuotaOptions().Problems());
        Assert.Empty(new AuditOptions().Problems());
        Assert.Empty(new StandaloneOptions().Problems());
        Assert.Empty(SeedSettings.Problems(new SeedOptions()));
        Assert.Empty(HsmSettings.Problems(new HsmOptions { LibraryPath = "/lib/p11.so", TokenLabel = "t", UserPin = "1234" }));
    }

    [Fact]
    public void Storage()
    {
        AssertOneProblem(new StorageOptions { OperationTimeout = TimeSpan.Zero }.Problems(), "HsmVault:Storage:OperationTimeout", "00:00:01");
        AssertOneProblem(new StorageOptions { TablePrefix = "has-dash" }.Problems(), "HsmVault:Storage:TablePrefix");
        AssertOneProblem(new StorageOptions { TablePrefix = "" }.Problems(), "HsmVault:Storage:TablePrefix");
        AssertOneProblem(new StorageOptions { TableEndpoint = "http://account.table.example" }.Problems(), "HsmVault:Storage:TableEndpoint", "https");
        AssertOneProblem(new StorageOptions { ConnectionString = "" }.Problems(), "HsmVault:Storage:ConnectionString");
    }

    [Fact]
    public void Vaults()
    {
        AssertOneProblem(new VaultOptions { DnsSuffix = "not a host" }.Problems(), "HsmVault:Vaults:DnsSuffix");
        AssertOneProblem(new VaultOptions { DefaultVault = "x" }.Problems(), "HsmVault:Vaults:DefaultVault");
        AssertOneProblem(new VaultOptions { PublicPort = 0 }.Problems(), "HsmVault:Vaults:PublicPort");
        AssertOneProblem(new VaultOptions { PollInterval = TimeSpan.Zero }.Problems(), "HsmVault:Vaults:PollInterval");
        AssertOneProblem(new VaultOptions { MaxStaleness = TimeSpan.FromMilliseconds(100) }.Problems(), "HsmVault:Vaults:MaxStaleness", "PollInterval");
    }

    [Fact]
    public void Limits()
    {
        AssertOneProblem(new LimitsOptions { MaxRequestBodyBytes = 10 }.Problems(), "HsmVault:Limits:MaxRequestBodyBytes", "got 10");
        AssertOneProblem(new LimitsOptions { FailedAuthenticationBurst = -1 }.Problems(), "HsmVault:Limits:FailedAuthenticationBurst", "got -1");
        AssertOneProblem(new LimitsOptions { FailedAuthenticationsPerMinute = 0 }.Problems(), "HsmVault:Limits:FailedAuthenticationsPerMinute");
        AssertOneProblem(new LimitsOptions { FailedAuthenticationAddresses = 5 }.Problems(), "HsmVault:Limits:FailedAuthenticationAddresses");
        Assert.Empty(new LimitsOptions { FailedAuthenticationBurst = 0 }.Problems());
    }

    [Fact]
    public void Quotas()
    {
        AssertOneProblem(new QuotaOptions { MaxKeysPerVault = 0 }.Problems(), "HsmVault:Quotas:MaxKeysPerVault", "got 0");
        AssertOneProblem(new QuotaOptions { MaxVersionsPerKey = -2 }.Problems(), "HsmVault:Quotas:MaxVersionsPerKey");
        AssertOneProblem(new QuotaOptions { KeyCreatesPerSecond = 0 }.Problems(), "HsmVault:Quotas:KeyCreatesPerSecond");
        var perVault = new QuotaOptions();
        perVault.Vaults["small"] = new VaultQuotas { MaxKeysPerVault = 0 };
        AssertOneProblem(perVault.Problems(), "HsmVault:Quotas:Vaults:small:MaxKeysPerVault");
        perVault.Vaults["small"] = new VaultQuotas { MaxKeysPerVault = 3 };
        Assert.Equal((3, 500, 50), (perVault.For("SMALL").MaxKeysPerVault!.Value, perVault.For("small").MaxVersionsPerKey!.Value, perVault.For("other").KeyCreatesPerSecond!.Value));
        Assert.Equal(25_000, perVault.For("other").MaxKeysPerVault);
    }

    [Fact]
    public void Audit_backlog_share_per_vault_fits_the_whole()
    {
        AssertOneProblem(new AuditOptions { MaxPendingPerVault = 0 }.Problems(), "HsmVault:Audit:MaxPendingPerVault");
        AssertOneProblem(new AuditOptions { MaxPending = 100, MaxPendingPerVault = 101 }.Problems(), "HsmVault:Audit:MaxPendingPerVault", "got 101");
    }

    [Fact]
    public void Throttling()
    {
        AssertOneProblem(new ThrottlingOptions { VaultRequestsPerSecond = 0 }.Problems(), "HsmVault:Throttling:VaultRequestsPerSecond");
        AssertOneProblem(new ThrottlingOptions { CallerRequestsPerSecond = -1 }.Problems(), "HsmVault:Throttling:CallerRequestsPerSecond");
        var perVault = new ThrottlingOptions();
        perVault.Vaults["busy"] = new VaultThrottling { CallerRequestsPerSecond = 0 };
        AssertOneProblem(perVault.Problems(), "HsmVault:Throttling:Vaults:busy:CallerRequestsPerSecond");
    }

    [Fact]
    public void Standalone()
    {
        AssertOneProblem(new StandaloneOptions { Port = 70000 }.Problems(), "HsmVault:Standalone:Port");
        AssertOneProblem(new StandaloneOptions { DataDirectory = " " }.Problems(), "HsmVault:Standalone:DataDirectory");
        AssertOneProblem(new StandaloneOptions { HostNames = "localhost, bad host" }.Problems(), "HsmVault:Standalone:HostNames", "bad host");
    }

    [Fact]
    public void Hsm_names_the_setting_and_never_echoes_the_pin()
    {
        AssertOneProblem(HsmSettings.Problems(new HsmOptions { TokenLabel = "t", UserPin = "1234" }), "HsmVault:Hsm:LibraryPath");
        AssertOneProblem(HsmSettings.Problems(new HsmOptions { LibraryPath = "/p.so", UserPin = "1234" }), "HsmVault:Hsm:TokenLabel");
        AssertOneProblem(HsmSettings.Problems(new HsmOptions { LibraryPath = "/p.so", TokenLabel = "t" }), "HsmVault:Hsm:UserPin");
        var sessions = HsmSettings.Problems(new HsmOptions { LibraryPath = "/p.so", TokenLabel = "t", UserPin = "s3cret-pin", MaxIdleSessions = 0 });
        AssertOneProblem(sessions, "HsmVault:Hsm:MaxIdleSessions");
        foreach (var timeout in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(6) })
            AssertOneProblem(HsmSettings.Problems(new HsmOptions { LibraryPath = "/p.so", TokenLabel = "t", UserPin = "1", CallTimeout = timeout }),
                "HsmVault:Hsm:CallTimeout");
        Assert.DoesNotContain("s3cret-pin", string.Join(" ", HsmSettings.Problems(new HsmOptions { UserPin = "s3cret-pin" })));
    }

    [Fact]
    public void Seed_vaults_and_policies()
    {
        static SeedOptions With(string name = "default", string? tenant = null, SeedAccessPolicy? policy = null) => new()
        {
            Vaults = [new SeedVault { Name = name, TenantId = tenant, AccessPolicies = policy is null ? [] : [policy] }],
        };
        AssertOneProblem(SeedSettings.Problems(With(name: "-bad")), "HsmVault:Seed:Vaults:0:Name");
        AssertOneProblem(SeedSettings.Problems(With(tenant: "contoso.com")), "HsmVault:Seed:Vaults:0:TenantId");
        AssertOneProblem(SeedSettings.Problems(With(policy: new SeedAccessPolicy { Keys = "all" })), "HsmVault:Seed:Vaults:0:AccessPolicies:0:ObjectId");
        AssertOneProblem(SeedSettings.Problems(With(policy: new SeedAccessPolicy { ObjectId = "o", Keys = "fly" })),
            "HsmVault:Seed:Vaults:0:AccessPolicies:0:Keys", "fly");
        AssertOneProblem(SeedSettings.Problems(With(policy: new SeedAccessPolicy { ObjectId = "o", Secrets = "sign" })),
            "HsmVault:Seed:Vaults:0:AccessPolicies:0:Secrets");
        AssertOneProblem(SeedSettings.Problems(With(policy: new SeedAccessPolicy { ObjectId = "o", Keys = "get", Key = "bad key!" })),
            "HsmVault:Seed:Vaults:0:AccessPolicies:0:Key");
    }
}
