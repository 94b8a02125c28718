namespace HsmVault.Hosting;

/// <summary>Tells whether the Azure Functions host launched this worker, or it runs on its own.</summary>
public static class HostMode
{
    public static bool UnderFunctionsHost(string[] args) =>
        args.Any(a => a.StartsWith("--functions-", StringComparison.OrdinalIgnoreCase) || a.Equals("--workerId", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_WORKER_DIRECTORY"));
}
