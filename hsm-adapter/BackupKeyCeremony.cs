using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

/// <summary>
/// The one-time backup key ceremony on a token, run by its security officer, never by the service (which never holds
/// the SO PIN): the SO generates the backup wrapping key and marks it CKA_TRUSTED (only the SO can), then the user makes
/// the private sealing key. Idempotent: keys that exist are kept. Needs a process in which no session of the token is
/// logged in yet (the SO and the user cannot be logged in to one token at the same time).
/// </summary>
public static class BackupKeyCeremony
{
    public const string SealSuffix = "-seal";

    /// <summary>Returns what it did, one line per key ("created …" or "kept …").</summary>
    public static IReadOnlyList<string> Run(HsmOptions options, string soPin)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(soPin)) throw new HsmException(HsmErrorKind.InvalidInput, "The security officer PIN is required");
        var lib = ModuleRegistry.Acquire(options.LibraryPath);
        var done = new List<string>();
        using var held = HeldAttributeFactory.Call();
        try
        {
            var (slot, _) = HsmToken.FindSlot(lib, options);
            var templates = new KeyTemplates(ModuleRegistry.Factories.ObjectAttributeFactory);
            var label = options.BackupKeyLabel;
            done.Add(AsUser(slot, CKU.CKU_SO, soPin, s => Ensure(s, templates, label, trusted: true)));
            done.Add(AsUser(slot, CKU.CKU_USER, options.UserPin, s => Ensure(s, templates, label + SealSuffix, trusted: false)));
            return done;
        }
        catch (Pkcs11Exception e)
        {
            throw RvMapper.Map(e, "backup key ceremony");
        }
        finally
        {
            ModuleRegistry.Release(options.LibraryPath);
        }
    }

    private static string AsUser(ISlot slot, CKU user, string pin, Func<ISession, string> action)
    {
        using var session = slot.OpenSession(SessionType.ReadWrite);
        session.Login(user, pin);
        try
        {
            return action(session);
        }
        finally
        {
            session.Logout();
        }
    }

    private static string Ensure(ISession s, KeyTemplates templates, string label, bool trusted)
    {
        foreach (var h in s.FindAllObjects(templates.FindSecretByLabel(label)))
            if (!trusted || s.GetAttributeValue(h, [CKA.CKA_TRUSTED])[0].GetValueAsBool())
                return $"kept {label}";
        var ckaId = KeyTemplates.NewCkaId();
        using var mech = ModuleRegistry.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        s.GenerateKey(mech, trusted ? templates.BackupWrapKey(ckaId, label) : templates.BackupSealKey(ckaId, label));
        return $"created {label}";
    }
}
