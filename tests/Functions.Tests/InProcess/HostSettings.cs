namespace HsmVault.Tests.InProcess;

/// <summary>
/// The settings file infra/local/start-test-host.sh writes (its host's environment: one <c>HsmVault__A__B=value</c> per line),
/// as configuration keys (<c>HsmVault:A:B</c>).
/// </summary>
public static class HostSettings
{
    public static IEnumerable<KeyValuePair<string, string>> Read(string path) =>
        File.ReadAllLines(path)
            .Where(line => line.StartsWith("HsmVault__", StringComparison.Ordinal) && line.Contains('='))
            .Select(line => new KeyValuePair<string, string>(line[..line.IndexOf('=')].Replace("__", ":"), line[(line.IndexOf('=') + 1)..]))
            .ToList();
}
