using HsmVault.Hsm;
using Microsoft.Extensions.Configuration;

namespace HsmVault.Hosting;

/// <summary>
/// <c>HsmVault.Functions init-backup-key</c>: the backup key ceremony (<see cref="BackupKeyCeremony"/>) on the configured
/// token, in its own process. The security officer types the SO PIN on standard input; it is never an argument, a
/// setting or an environment variable, and the service itself never sees it.
/// </summary>
public static class BackupKeyCommand
{
    public const string Verb = "init-backup-key";

    public static int Run(string[] args)
    {
        var config = new ConfigurationBuilder()
            .AddLocalSettings(Directory.GetCurrentDirectory())
            .AddEnvironmentVariables()
            .AddCommandLine(args.Skip(1).ToArray())
            .Build();
        var options = config.GetSection(HsmSettings.Section).Get<HsmOptions>() ?? new HsmOptions();
        if (!Console.IsInputRedirected) Console.Error.Write("Security officer PIN: ");
        var soPin = Console.In.ReadLine();
        if (string.IsNullOrEmpty(soPin))
        {
            Console.Error.WriteLine("init-backup-key: the security officer PIN is required on standard input.");
            return 2;
        }
        foreach (var line in BackupKeyCeremony.Run(options, soPin))
            Console.WriteLine($"init-backup-key: {line} on token '{options.TokenLabel ?? options.TokenSerial}'");
        return 0;
    }
}
