using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HsmVault.Hsm;
using HsmVault.Resilience;

namespace HsmVault.Objects;

/// <summary>What every kind's backup payload says about the object: its name, its current version and every version.</summary>
public interface IObjectBackup
{
    string Name { get; }
    string Current { get; }
    IEnumerable<string> VersionIds { get; }
}

/// <summary>
/// The opaque, authenticated backup blob of a key or a secret: its payload (rows, wrapped key material, a secret's
/// value) is sealed with AES-GCM inside the HSM under the deployment's backup sealing key, with the object kind in the
/// additional data. Blob = "HVB1" ‖ IV (12) ‖ tag (16) ‖ ciphertext. Anything else, or a blob of another deployment's
/// backup key, is refused with 400 BadParameter. A vault bound to a customer's own HSM seals with that token's backup
/// keys: its backups open only where that token is.
/// </summary>
public sealed class BackupBlobs(IVaultTokens tokens, ResiliencePipelines resilience)
{
    private static readonly byte[] Magic = "HVB1"u8.ToArray();
    private const int IvBytes = 12, TagBytes = 16;
    /// <summary>Key Vault's limit on backup blobs is not documented; this keeps a restore body well inside the request limit.</summary>
    public const int MaxPayloadBytes = 160 * 1024;

    /// <summary>The backup keys of the vault's token; 400 when that token has none.</summary>
    public HsmBackupKeys Keys(Vault vault)
    {
        var hsm = tokens.For(vault);
        return hsm.BackupKeys ?? throw VaultException.BadParameter(vault.Hsm is null
            ? "Backups are not available: this deployment's HSM token has no trusted backup key yet (see the README's backup key ceremony)."
            : $"Backups of vault '{vault.Name}' are not available: its own HSM token has no trusted backup key (the token's security officer makes it, as in the README's backup key ceremony).");
    }

    public string Seal<T>(Vault vault, ObjectKind kind, T payload)
    {
        var hsm = tokens.For(vault);
        var calls = resilience.Hsm(hsm.TokenId, vault.Name).Idempotent;
        var json = JsonSerializer.SerializeToUtf8Bytes(payload);
        try
        {
            if (json.Length > MaxPayloadBytes)
                throw VaultException.BadParameter($"The {kind.Noun} is too large to back up ({json.Length} bytes of metadata and versions).");
            var keys = Keys(vault);
            var iv = calls.Execute(() => hsm.GenerateRandom(IvBytes));
            var sealedPayload = calls.Execute(() => hsm.EncryptAesGcm(keys.SealKey, iv, json, Aad(kind)));
            return WireBytes.Encode([.. Magic, .. iv, .. sealedPayload.Tag, .. sealedPayload.Ciphertext]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    public T Open<T>(Vault vault, ObjectKind kind, string? value) where T : IObjectBackup
    {
        var hsm = tokens.For(vault);
        var (iv, tag, ciphertext) = Envelope(kind, value);
        var keys = Keys(vault);
        byte[] json;
        try
        {
            json = resilience.Hsm(hsm.TokenId, vault.Name).Idempotent.Execute(() => hsm.DecryptAesGcm(keys.SealKey, iv, ciphertext, tag, Aad(kind)));
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.InvalidInput)
        {
            throw Refused(kind);
        }
        try
        {
            return Payload<T>(kind, json);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    /// <summary>A blob's IV, tag and sealed payload, read before the HSM sees it; 400 when it cannot be a backup blob.</summary>
    public static (byte[] Iv, byte[] Tag, byte[] Ciphertext) Envelope(ObjectKind kind, string? value)
    {
        var blob = WireBytes.Decode(value ?? throw VaultException.BadParameter("Property 'value' (the backup blob) is required."), "value");
        if (blob.Length < Magic.Length + IvBytes + TagBytes + 2 || !blob.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Refused(kind);
        return (blob[Magic.Length..(Magic.Length + IvBytes)], blob[(Magic.Length + IvBytes)..(Magic.Length + IvBytes + TagBytes)],
            blob[(Magic.Length + IvBytes + TagBytes)..]);
    }

    /// <summary>
    /// The opened payload as <typeparamref name="T"/>; 400 when it is not one, or lacks a part the restore reads (a backup
    /// the vault made always has them; the fuzzer found a payload without its versions that was a 500).
    /// </summary>
    public static T Payload<T>(ObjectKind kind, byte[] json) where T : IObjectBackup
    {
        T? backup;
        try
        {
            backup = JsonSerializer.Deserialize<T>(json, PayloadJson);
        }
        catch (JsonException)
        {
            throw Refused(kind);
        }
        if (backup is null || backup.VersionIds.Any(v => v is null)) throw Refused(kind);
        return backup;
    }

    private static readonly JsonSerializerOptions PayloadJson = new() { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    private static byte[] Aad(ObjectKind kind) => Encoding.UTF8.GetBytes($"hsmvault-backup/1/{kind.Collection}");

    private static VaultException Refused(ObjectKind kind) => VaultException.BadParameter(
        $"The {kind.Noun} backup blob is malformed, truncated or altered, or was made with another deployment's backup key.");
}
