using HsmVault.Keys;
using HsmVault.Objects;
using HsmVault.Secrets;

namespace HsmVault.Fuzz;

/// <summary>
/// A backup blob as a restore reads it: the envelope a client sends (the <c>value</c> string, before the HSM opens it),
/// and the payload JSON the HSM returns (a key's or a secret's), with the checks a restore makes before it writes.
/// Input starting with '{' is a payload, anything else an envelope.
/// </summary>
public static class BackupTarget
{
    public static void Run(byte[] input)
    {
        if (input.Length > 0 && input[0] == (byte)'{')
        {
            FuzzTargets.Refusable(() => Check(BackupBlobs.Payload<KeyBackup>(ObjectKind.Key, input)));
            FuzzTargets.Refusable(() => Check(BackupBlobs.Payload<SecretBackup>(ObjectKind.Secret, input)));
            return;
        }
        var value = System.Text.Encoding.UTF8.GetString(input);
        FuzzTargets.Refusable(() => BackupBlobs.Envelope(ObjectKind.Key, value));
    }

    private static void Check(IObjectBackup backup)
    {
        ObjectNames.Name(backup.Name);
        if (!backup.VersionIds.Contains(backup.Current))
            throw VaultException.BadParameter("The backup blob is malformed: it names no current version.");
    }
}
