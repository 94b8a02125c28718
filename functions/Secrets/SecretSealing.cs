using System.Buffers.Binary;
using System.Text;

namespace HsmVault.Secrets;

/// <summary>
/// The additional authenticated data that binds a sealed secret value to where it belongs: a format byte, then the vault,
/// the secret name (lower-case, as names are case-insensitive) and the version, each length-prefixed. A ciphertext copied
/// to another vault, secret or version fails its GCM tag check.
/// </summary>
public static class SecretSealing
{
    public const byte FormatVersion = 1;
    public const int IvBytes = 12;
    public const int TagBytes = 16;

    public static byte[] AdditionalData(string vault, string name, string version)
    {
        var fields = new[] { vault.ToLowerInvariant(), name.ToLowerInvariant(), version.ToLowerInvariant() }
            .Select(Encoding.UTF8.GetBytes).ToArray();
        var aad = new byte[1 + fields.Sum(f => 2 + f.Length)];
        aad[0] = FormatVersion;
        var at = 1;
        foreach (var f in fields)
        {
            BinaryPrimitives.WriteUInt16BigEndian(aad.AsSpan(at), checked((ushort)f.Length));
            f.CopyTo(aad, at + 2);
            at += 2 + f.Length;
        }
        return aad;
    }
}
