using System.CommandLine;
using HsmVault.Cli.Audit;

// hsmvault: operator tools that run beside the service. Each command group lives in its own folder.
var root = new RootCommand("HsmVault command-line tools");
root.Subcommands.Add(AuditCommands.Create());
return await root.Parse(args).InvokeAsync();
