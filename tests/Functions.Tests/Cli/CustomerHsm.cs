using System.Diagnostics;
using System.Security.Cryptography;

namespace HsmVault.Tests.Cli;

/// <summary>
/// A second SoftHSM2 installation playing the customer's own HSM: its own config and token directory (not the vault's),
/// its keys made with opensc's pkcs11-tool as a customer would make them.
/// </summary>
public sealed class CustomerHsm : IDisposable
{
    public const string Module = "/usr/lib/softhsm/libsofthsm2.so";
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("hsmvault-customer-hsm-").FullName;
    public string Config => Path.Combine(Directory, "softhsm2.conf");
    public string Label { get; } = "customer-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    public string Pin { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public CustomerHsm()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "tokens"));
        File.WriteAllText(Config, $"directories.tokendir = {Directory}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        Run("softhsm2-util", "--init-token", "--free", "--label", Label, "--pin", Pin, "--so-pin", Pin);
    }

    /// <summary>The environment the tool runs with: this HSM's config and its PIN in CUSTOMER_PIN.</summary>
    public Dictionary<string, string> Environment(string accessToken) => new()
    {
        ["SOFTHSM2_CONF"] = Config, ["CUSTOMER_PIN"] = Pin, ["HSMVAULT_ACCESS_TOKEN"] = accessToken,
    };

    /// <summary>pkcs11-tool on this token, logged in.</summary>
    public string Tool(params string[] args) =>
        Run("pkcs11-tool", ["--module", Module, "--token-label", Label, "--login", "--pin", Pin, .. args]);

    public int ObjectCount() => Tool("--list-objects").Split('\n').Count(l => l.StartsWith("Private Key Object") || l.StartsWith("Public Key Object")
        || l.StartsWith("Secret Key Object") || l.StartsWith("Data object"));

    private string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SOFTHSM2_CONF"] = Config;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} not found: apt-get install softhsm2 opensc");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {args.FirstOrDefault()} failed: {stderr.Trim()}");
        return stdout.Result;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
