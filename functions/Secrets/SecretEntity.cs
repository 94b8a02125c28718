using HsmVault.Storage;

namespace HsmVault.Secrets;

/// <summary>
/// Table row of a secret version, in the vault's partition of the secrets table. As for keys, two rows per version:
/// <c>ver!{name}!{version}</c> (every version) and <c>cur!{name}</c> (a copy of the current version), written together.
/// The value is stored only as AES-256-GCM ciphertext made inside the HSM: <see cref="Ciphertext"/>, <see cref="Iv"/>,
/// <see cref="Tag"/> and the HSM key that sealed it (<see cref="EncryptionKeyId"/>); never plaintext.
/// </summary>
public sealed class SecretEntity : VersionedEntity
{
    public string? ContentType { get; set; }

    /// <summary>Layout of the sealed value and its additional authenticated data (<see cref="SecretSealing.FormatVersion"/>).</summary>
    public int Format { get; set; }
    /// <summary>Hex CKA_ID of the vault's secret-encryption key in the HSM.</summary>
    public string EncryptionKeyId { get; set; } = "";
    public byte[] Ciphertext { get; set; } = [];
    public byte[] Iv { get; set; } = [];
    public byte[] Tag { get; set; } = [];
}
