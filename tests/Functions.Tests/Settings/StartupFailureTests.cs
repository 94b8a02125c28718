using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HsmVault.Tests.Settings;

/// <summary>
/// The real executable with one bad setting: it stops with exit code 1 and one line naming the setting, never a stack trace.
/// </summary>
public sealed class StartupFailureTests
{
    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "HsmVault__Storage__OperationTimeout", "00:00:00", "HsmVault:Storage:OperationTimeout" },
        { "HsmVault__Limits__MaxRequestBodyBytes", "lots", "HsmVault:Limits:MaxRequestBodyBytes" },
        { "HsmVault__Standalone__Port", "0", "HsmVault:Standalone:Port" },
        { "HsmVault__Seed__Vaults__0__AccessPolicies__0__Keys", "fly", "HsmVault:Seed:Vaults:0:AccessPolicies:0:Keys" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_host_with_one_line(string variable, string value, string setting)
    {
        var dir = Directory.CreateTempSubdirectory("hsmvault-badsetting-");
        try
        {
            var start = new ProcessStartInfo("dotnet", [FunctionsDll()])
            {
                WorkingDirectory = dir.FullName, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            foreach (var (k, v) in GoodSettings(dir.FullName)) start.Environment[k] = v;
            start.Environment[variable] = value;

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the host did not stop within 120 s with {variable}={value}; output: {await stdout}");
            }

            var output = (await stdout) + (await stderr);
            Assert.Equal(1, process.ExitCode);
            var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.StartsWith("HsmVault could not start:", line);
            Assert.Contains(setting, line);
            Assert.DoesNotContain("   at ", output);
            Assert.DoesNotContain(TestEnvironment.Require("HSMVAULT_TEST_PIN"), output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A complete, valid standalone configuration on a throwaway data folder and a free port.</summary>
    private static Dictionary<string, string> GoodSettings(string dir) => new()
    {
        ["HsmVault__Hsm__LibraryPath"] = "/usr/lib/softhsm/libsofthsm2.so",
        ["HsmVault__Hsm__TokenLabel"] = TestEnvironment.Require("HSMVAULT_TEST_TOKEN_LABEL"),
        ["HsmVault__Hsm__UserPin"] = TestEnvironment.Require("HSMVAULT_TEST_PIN"),
        ["HsmVault__Storage__ConnectionString"] = TestEnvironment.Tables,
        ["HsmVault__Storage__TablePrefix"] = TestEnvironment.UniqueTablePrefix(),
        ["HsmVault__Auth__TenantId"] = Guid.NewGuid().ToString(),
        ["HsmVault__Standalone__Port"] = FreePort().ToString(),
        ["HsmVault__Standalone__DataDirectory"] = Path.Combine(dir, "data"),
        ["HsmVault__Seed__Vaults__0__Name"] = "default",
        ["HsmVault__Seed__Vaults__0__AccessPolicies__0__ObjectId"] = Guid.NewGuid().ToString(),
        ["HsmVault__Seed__Vaults__0__AccessPolicies__0__Keys"] = "all",
        ["DOTNET_NOLOGO"] = "1",
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The functions project's own build output (same configuration as this test assembly).</summary>
    private static string FunctionsDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HsmVault.sln"))) dir = dir.Parent;
        var dll = Path.Combine(dir!.FullName, "functions", "bin", configuration, "net10.0", "HsmVault.Functions.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build with dotnet build HsmVault.sln -c {configuration}");
        return dll;
    }
}
