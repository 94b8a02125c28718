using HsmVault.Fuzz;
using HsmVault.Tests.Cli;

namespace HsmVault.Tests.Fuzz;

/// <summary>
/// The SharpFuzz harness (tests/Fuzz) replays its seed corpus in process, so its targets keep compiling and every seed
/// stays a clean refusal or success (a crash AFL found and that was fixed belongs in the corpus too).
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Keys];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seed_corpus_replays_without_an_unexpected_exception(string target)
    {
        var corpus = Path.Combine(CliProcess.RepoRoot, "tests", "Fuzz", "corpus", target);
        Assert.True(Directory.EnumerateFiles(corpus).Any(), $"no seed files in {corpus}");
        var output = new StringWriter();
        Assert.True(Replay.Run(target, [corpus], output) == 0, output.ToString());
    }
}
