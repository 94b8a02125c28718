using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;

namespace HsmVault.Hsm;

/// <summary>Pkcs11Interop P/Invokes "libdl"; Debian ships only libdl.so.2 (libdl.so comes with libc6-dev).</summary>
internal static class NativeResolver
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11Exception).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The host already registered a resolver for this assembly; keep theirs.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (!OperatingSystem.IsLinux() || (name != "libdl" && name != "libdl.so")) return IntPtr.Zero;
        return NativeLibrary.TryLoad("libdl.so.2", out var handle) ? handle : IntPtr.Zero;
    }
}
