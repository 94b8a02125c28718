using System.Diagnostics;

namespace HsmVault.Tests.Cli;

/// <summary>Runs the built command-line tool (tools/HsmVault.Cli) as a separate process, as its users do.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string Dll => Path.Combine(RepoRoot, "tools", "HsmVault.Cli", "bin", "Release", "net10.0", "HsmVault.Cli.dll");

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        if (!File.Exists(Dll)) throw new InvalidOperationException($"{Dll} is missing: build first (dotnet build HsmVault.sln -c Release).");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"hsmvault {string.Join(' ', args.Take(2))} did not finish within 2 minutes");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HsmVault.sln"))) return dir.FullName;
        throw new InvalidOperationException("HsmVault.sln not found above the test binaries.");
    }
}
