using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace HsmVault.Hsm;

/// <summary>
/// Keeps template attributes alive until the HSM call that uses them is over. Pkcs11Interop 5.3's object attributes free
/// their unmanaged values in a finalizer, and its session methods do not keep the attribute lists alive during the
/// native call: a garbage collection in the middle of C_GenerateKeyPair or C_FindObjectsInit freed a template's CKA_ID and
/// CKA_LABEL while SoftHSM read them. Seen as keys stored under garbage ids (usable only through the handle their maker
/// cached, so lost on restart) and searches that found nothing, about one in 300 keys once the token held a few hundred.
/// Every attribute made through this factory is held by its thread until that thread's outermost <see cref="Call"/>
/// ends, and disposed then (its memory freed at once rather than by the finalizer).
/// </summary>
internal sealed class HeldAttributeFactory(IObjectAttributeFactory inner) : IObjectAttributeFactory
{
    [ThreadStatic] private static List<IObjectAttribute>? t_held;
    [ThreadStatic] private static int t_depth;

    /// <summary>Marks an HSM call on this thread; attributes made before or during it live until the outermost one ends.</summary>
    public static Scope Call()
    {
        t_depth++;
        return default;
    }

    public readonly struct Scope : IDisposable
    {
        public void Dispose()
        {
            if (--t_depth > 0 || t_held is not { Count: > 0 } held) return;
            foreach (var a in held) a.Dispose();
            held.Clear();
        }
    }

    private static IObjectAttribute Hold(IObjectAttribute a)
    {
        (t_held ??= []).Add(a);
        return a;
    }

    public IObjectAttribute Create(ulong type) => Hold(inner.Create(type));
    public IObjectAttribute Create(CKA type) => Hold(inner.Create(type));
    public IObjectAttribute Create(ulong type, ulong value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, ulong value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, CKC value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, CKK value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, CKO value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(ulong type, bool value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, bool value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(ulong type, string value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, string value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(ulong type, byte[] value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, byte[] value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(ulong type, DateTime value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, DateTime value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(ulong type, List<IObjectAttribute> value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, List<IObjectAttribute> value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(ulong type, List<ulong> value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, List<ulong> value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(ulong type, List<CKM> value) => Hold(inner.Create(type, value));
    public IObjectAttribute Create(CKA type, List<CKM> value) => Hold(inner.Create(type, value));
}
