using HsmVault.Storage;

namespace HsmVault.Keys;

/// <summary>Table row of a key version (see <see cref="VersionedEntity"/> for the row layout).</summary>
public sealed class KeyEntity : VersionedEntity
{
    public string Kty { get; set; } = "";
    public int KeySize { get; set; }
    public string? Curve { get; set; }
    /// <summary>Hex CKA_ID of the HSM objects holding this version.</summary>
    public string HsmKeyId { get; set; } = "";
    public string KeyOps { get; set; } = "";
    /// <summary>The key_ops the HSM objects were created for; key_ops can be narrowed within them, not widened.</summary>
    public string HsmKeyOps { get; set; } = "";
    /// <summary>For AES keys, the mode family of the version's first use (GCM, CBC or KW); null until then (see <see cref="AesModeBinding"/>).</summary>
    public string? AesMode { get; set; }
}
