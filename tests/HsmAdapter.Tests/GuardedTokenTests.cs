using System.Diagnostics;
using Xunit.Abstractions;

namespace HsmVault.Hsm.Tests;

/// <summary>
/// A customer's token behind <see cref="GuardedToken"/>, through a copy of the module under another path (a second module in
/// this process, finalised and initialised on every recheck without touching the fixture's).
/// </summary>
[Collection("softhsm")]
public sealed class GuardedTokenTests(SoftHsmFixture hsm, ITestOutputHelper output) : IDisposable
{
    private readonly string _copy = CopyOfModule(hsm.LibraryPath);

    private static string CopyOfModule(string library)
    {
        var dir = Directory.CreateTempSubdirectory("hsmvault-module-");
        var copy = Path.Combine(dir.FullName, "libcustomer-pkcs11.so");
        File.Copy(library, copy);
        return copy;
    }

    private HsmOptions Customer(string pin)
    {
        var o = hsm.Options(pin, hsm.CustomerLabel);
        o.LibraryPath = _copy;
        return o;
    }

    [Fact]
    public void A_wrong_pin_fails_closed_at_once_and_no_message_names_the_pin()
    {
        var wrong = "wrong-" + hsm.Pin;
        using var token = new GuardedToken(Customer(wrong), TimeSpan.FromMinutes(1));
        string? reported = "none";
        token.StateChanged += f => reported = f;
        token.EnsureTried();
        Assert.False(token.Available);
        Assert.Contains("PIN incorrect", reported);
        var started = Stopwatch.GetTimestamp();
        var e = Assert.Throws<HsmException>(() => token.GenerateRandom(16));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(100), "a closed token answers without the module");
        Assert.Equal(HsmErrorKind.Unavailable, e.Kind);
        Assert.DoesNotContain("CKR_", e.ClientMessage);
        foreach (var text in new[] { e.ToString(), e.ClientMessage, reported! })
        {
            Assert.DoesNotContain(wrong, text);
            Assert.DoesNotContain(hsm.Pin, text);
        }
    }

    [Fact]
    public void Serves_through_a_second_module_and_every_recheck_logs_in_afresh()
    {
        using var token = new GuardedToken(Customer(hsm.Pin), TimeSpan.FromMinutes(1));
        token.EnsureTried();
        Assert.True(token.Available, token.Failure);
        Assert.Equal($"{_copy}#{hsm.CustomerLabel}", token.TokenId);
        Assert.Equal(16, token.GenerateRandom(16).Length);
        var caps = token.Capabilities;

        var rounds = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var started = Stopwatch.GetTimestamp();
            token.Recheck();
            rounds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.True(token.Available, token.Failure);
            Assert.Equal(16, token.GenerateRandom(16).Length);
        }
        Assert.Equal(caps, token.Capabilities); // probed once, kept across reopens
        rounds.Sort();
        output.WriteLine($"recheck (close, C_Finalize, C_Initialize, login): median {rounds[5]:F1} ms, max {rounds[^1]:F1} ms");
        // The fixture's own token on the first module still serves.
        Assert.Equal(16, hsm.Token.GenerateRandom(16).Length);
    }

    public void Dispose()
    {
        try { Directory.Delete(Path.GetDirectoryName(_copy)!, recursive: true); } catch (IOException) { }
    }
}
