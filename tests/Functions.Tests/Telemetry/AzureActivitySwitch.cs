using System.Runtime.CompilerServices;

namespace HsmVault.Tests.Telemetry;

internal static class AzureActivitySwitch
{
    /// <summary>
    /// The Azure SDK reads this switch once per process, when a client is first used; the host sets it only when telemetry is
    /// on, which in this process may be after other tests used a client. Without a listener it changes nothing.
    /// </summary>
    [ModuleInitializer]
    internal static void Enable() => AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
}
