namespace HsmVault.Fuzz;

/// <summary>Runs corpus and crash files through a target in process, without AFL: the harness's own regression check.</summary>
public static class Replay
{
    /// <summary>Every file under each path (a file or a folder, recursively); returns how many threw an unexpected exception.</summary>
    public static int Run(string target, IEnumerable<string> paths, TextWriter output)
    {
        var run = FuzzTargets.All[target];
        int files = 0, failures = 0;
        foreach (var file in paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]).Order())
        {
            if (Path.GetFileName(file) is "README.txt" || Path.GetFileName(file).StartsWith('.')) continue; // AFL's own files
            files++;
            try
            {
                run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures++;
                output.WriteLine($"{target}: {file}: {e.GetType().FullName}: {e.Message}");
                output.WriteLine(e.StackTrace);
            }
        }
        output.WriteLine($"replay {target}: {files} files, {failures} unexpected exceptions");
        return failures;
    }
}
