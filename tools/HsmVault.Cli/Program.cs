using System.CommandLine;
using HsmVault.Cli.Audit;
using HsmVault.Cli.Byok;

// HsmVault's command-line tools: a thin composition of command groups, each in its own folder.
var root = new RootCommand("HsmVault command-line tools (customer and operator side).")
{
    ByokCommands.Create(),
    AuditCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
