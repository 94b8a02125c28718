using System.Diagnostics;
using System.Security.Cryptography;

namespace HsmVault.Hsm.Tests;

/// <summary>
/// A fresh SoftHSM2 token per test run. SOFTHSM2_CONF must come from the process environment: .NET does not pass
/// Environment.SetEnvironmentVariable on to native getenv, which SoftHSM reads.
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string DefaultLibrary = "/usr/lib/softhsm/libsofthsm2.so";
    private const string Install = "install with: apt-get install softhsm2 opensc";

    public string LibraryPath { get; }
    public string Label { get; }
    public string Pin { get; }
    public string SpareLabel { get; }
    public string ForeignLabel { get; }
    /// <summary>A third token playing the customer's own HSM in BYOK tests (made before the module loads: SoftHSM
    /// fixes its slot list at C_Initialize).</summary>
    public string CustomerLabel { get; }
    /// <summary>A token whose user PIN a fault test changes and restores.</summary>
    public string PinLabel { get; }
    public HsmToken Token { get; }
    /// <summary>What the backup key ceremony did on the fresh token.</summary>
    public IReadOnlyList<string> CeremonyLog { get; }

    private readonly Lazy<HsmKeyId> _rsa, _aes;
    private readonly Dictionary<HsmCurve, HsmKeyId> _ec = new();

    /// <summary>Shared keys so that tests do not each pay for RSA key generation.</summary>
    public HsmKeyId Rsa => _rsa.Value;
    public HsmKeyId Aes => _aes.Value;
    public HsmKeyId Ec(HsmCurve curve)
    {
        lock (_ec)
        {
            if (!_ec.TryGetValue(curve, out var id)) _ec[curve] = id = Token.GenerateEc(curve, HsmKeyUsage.Sign | HsmKeyUsage.Verify, $"test-{curve}");
            return id;
        }
    }

    public const HsmKeyUsage All = HsmKeyUsage.Sign | HsmKeyUsage.Verify | HsmKeyUsage.Encrypt | HsmKeyUsage.Decrypt
        | HsmKeyUsage.Wrap | HsmKeyUsage.Unwrap;

    public SoftHsmFixture()
    {
        LibraryPath = Environment.GetEnvironmentVariable("SOFTHSM2_LIB") is { Length: > 0 } lib ? lib : DefaultLibrary;
        if (!File.Exists(LibraryPath))
            throw new InvalidOperationException($"SoftHSM2 library not found at {LibraryPath}; {Install}");
        var conf = Environment.GetEnvironmentVariable("SOFTHSM2_CONF");
        if (string.IsNullOrEmpty(conf) || !File.Exists(conf))
            throw new InvalidOperationException(
                "SOFTHSM2_CONF is not set (or the file is missing). Run the tests via `bash tests/run.sh` or " +
                "`bash tests/run.sh`, or export SOFTHSM2_CONF pointing at a softhsm2.conf whose " +
                "directories.tokendir is writable.");

        Label = "adapter-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Pin = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var soPin = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        RunUtil("--init-token", "--free", "--label", Label, "--pin", Pin, "--so-pin", soPin);
        // A second token nobody logs in to: in one process a login is shared per token, so a wrong PIN can only be
        // observed on a token that is not logged in yet.
        SpareLabel = Label + "-spare";
        RunUtil("--init-token", "--free", "--label", SpareLabel, "--pin", Pin, "--so-pin", soPin);
        // The backup key ceremony needs the token with no login yet: before Open.
        CeremonyLog = BackupKeyCeremony.Run(Options(), soPin);
        // Another deployment's token, with backup keys of its own.
        ForeignLabel = Label + "-foreign";
        RunUtil("--init-token", "--free", "--label", ForeignLabel, "--pin", Pin, "--so-pin", soPin);
        BackupKeyCeremony.Run(Options(label: ForeignLabel), soPin);
        CustomerLabel = Label + "-customer";
        RunUtil("--init-token", "--free", "--label", CustomerLabel, "--pin", Pin, "--so-pin", soPin);
        PinLabel = Label + "-pin";
        RunUtil("--init-token", "--free", "--label", PinLabel, "--pin", Pin, "--so-pin", soPin);
        Token = HsmToken.Open(new HsmOptions { LibraryPath = LibraryPath, TokenLabel = Label, UserPin = Pin, MaxIdleSessions = 8 });
        _rsa = new(() => Token.GenerateRsa(2048, All, "test-rsa"));
        _aes = new(() => Token.GenerateAes(256, All, "test-aes"));
    }

    public HsmOptions Options(string? pin = null, string? label = null) =>
        new() { LibraryPath = LibraryPath, TokenLabel = label ?? Label, UserPin = pin ?? Pin };

    internal static void RunUtil(params string[] args) => Run("softhsm2-util", args);

    /// <summary>Runs softhsm2-util or pkcs11-tool (opensc), failing with its output.</summary>
    internal static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"{tool} not found; {Install}");
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {args[0]} failed ({p.ExitCode}): {stderr.Trim()} {stdout.Result.Trim()}");
    }

    public void Dispose()
    {
        Token.Dispose();
        foreach (var label in new[] { Label, SpareLabel, ForeignLabel, CustomerLabel, PinLabel })
        {
            try { RunUtil("--delete-token", "--token", label); }
            catch (InvalidOperationException) { }
        }
    }
}

[CollectionDefinition("softhsm")]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>;
