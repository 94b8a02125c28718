using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace HsmVault.Hsm;

/// <summary>
/// One loaded PKCS#11 module per path per process: C_Initialize/C_Finalize are process-wide, so tokens opened
/// from the same module share it and the last one to close finalizes it.
/// </summary>
internal static class ModuleRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, (IPkcs11Library Lib, int Refs)> Loaded = new(StringComparer.Ordinal);

    public static readonly Pkcs11InteropFactories Factories = WithHeldAttributes(new Pkcs11InteropFactories());

    // The library's own factories, but attributes (ours and those it returns) held until the HSM call is over.
    private static Pkcs11InteropFactories WithHeldAttributes(Pkcs11InteropFactories d) =>
        new(d.Pkcs11LibraryFactory, d.SlotFactory, d.SessionFactory, new HeldAttributeFactory(d.ObjectAttributeFactory),
            d.ObjectHandleFactory, d.MechanismFactory, d.MechanismParamsFactory);

    public static IPkcs11Library Acquire(string path)
    {
        NativeResolver.EnsureRegistered();
        lock (Gate)
        {
            if (Loaded.TryGetValue(path, out var entry))
            {
                Loaded[path] = (entry.Lib, entry.Refs + 1);
                return entry.Lib;
            }
            var lib = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
            Loaded[path] = (lib, 1);
            return lib;
        }
    }

    public static void Release(string path)
    {
        lock (Gate)
        {
            if (!Loaded.TryGetValue(path, out var entry)) return;
            if (entry.Refs > 1)
            {
                Loaded[path] = (entry.Lib, entry.Refs - 1);
                return;
            }
            Loaded.Remove(path);
            try { entry.Lib.Dispose(); }
            catch (Pkcs11Exception) { }
        }
    }
}
