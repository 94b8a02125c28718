using HsmVault.Fuzz;
using SharpFuzz;

// fuzz TARGET            one target under afl-fuzz (stdin / shared memory from AFL), as tests/Fuzz/run.sh starts it
// replay TARGET PATH...  every file under PATH through TARGET in process; exit 1 if any is an unexpected exception
if (args.Length >= 2 && args[0] == "fuzz" && FuzzTargets.All.TryGetValue(args[1], out var target))
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.ToArray());
    });
    return 0;
}
if (args.Length >= 3 && args[0] == "replay" && FuzzTargets.All.ContainsKey(args[1]))
{
    var failures = Replay.Run(args[1], args[2..], Console.Out);
    return failures == 0 ? 0 : 1;
}
Console.Error.WriteLine($"usage: fuzz TARGET | replay TARGET PATH...   (targets: {string.Join(", ", FuzzTargets.All.Keys)})");
return 2;
