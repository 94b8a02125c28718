using System.Text.Json;
using System.Text.Json.Serialization;
using HsmVault.Hsm;
using HsmVault.Objects;

namespace HsmVault.Keys;

/// <summary>
/// A Key Vault BYOK key transfer blob (the ".byok" file, sent base64url-encoded as <c>key.key_hsm</c>):
/// <c>{"schema_version":"1.0.0","header":{"kid":"…/keys/{kek}/{version}","alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP"},
/// "ciphertext":"…","generator":"…"}</c>. The ciphertext is RSA-OAEP(KEK, ephemeral AES key) ‖ AES-KWP(target key).
/// </summary>
public sealed record KeyTransferBlob(Uri KekId, string KekName, string KekVersion, string Enc, HsmHash OaepHash, byte[] Ciphertext)
{
    public const string SchemaVersion = "1.0.0";

    /// <summary>The enc values of Key Vault's BYOK specification and the OAEP hash each one means.</summary>
    public static readonly IReadOnlyDictionary<string, HsmHash> Encodings = new Dictionary<string, HsmHash>
    {
        ["CKM_RSA_AES_KEY_WRAP"] = HsmHash.Sha1,
        ["RSA_AES_KEY_WRAP_256"] = HsmHash.Sha256,
        ["RSA_AES_KEY_WRAP_384"] = HsmHash.Sha384,
    };

    public static KeyTransferBlob Parse(string keyHsm)
    {
        var bytes = WireBytes.Decode(keyHsm, "key.key_hsm");
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(bytes, Options);
        }
        catch (JsonException)
        {
            throw VaultException.BadParameter("Property 'key.key_hsm' is not a key transfer blob: it must be base64url of the .byok file's JSON.");
        }
        if (wire is null) throw VaultException.BadParameter("Property 'key.key_hsm' is not a key transfer blob.");
        if (wire.SchemaVersion != SchemaVersion)
            throw VaultException.BadParameter($"The key transfer blob's schema_version must be '{SchemaVersion}'.");
        var header = wire.Header ?? throw VaultException.BadParameter("The key transfer blob has no header.");
        if (header.Alg != "dir")
            throw VaultException.BadParameter("The key transfer blob's header.alg must be 'dir'.");
        if (header.Enc is null || !Encodings.TryGetValue(header.Enc, out var hash))
            throw VaultException.BadParameter($"The key transfer blob's header.enc must be one of {string.Join(", ", Encodings.Keys)}.");
        var (kid, name, version) = ParseKid(header.Kid);
        var ciphertext = WireBytes.Decode(wire.Ciphertext, "ciphertext (of the key transfer blob)");
        return new KeyTransferBlob(kid, name, version, header.Enc, hash, ciphertext);
    }

    private static (Uri, string, string) ParseKid(string? kid)
    {
        if (string.IsNullOrEmpty(kid) || !Uri.TryCreate(kid, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            throw VaultException.BadParameter("The key transfer blob's header.kid must be the key exchange key's https key identifier.");
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "keys")
            throw VaultException.BadParameter("The key transfer blob's header.kid is not a key identifier (…/keys/{name}/{version}).");
        if (segments.Length != 3 || segments[2].Length == 0)
            throw VaultException.BadParameter("The key transfer blob's header.kid must name the key exchange key's version (…/keys/{name}/{version}).");
        return (uri, segments[1], segments[2]);
    }

    private static readonly JsonSerializerOptions Options = new() { AllowTrailingCommas = false, MaxDepth = 8 };

    private sealed class Wire
    {
        [JsonPropertyName("schema_version")] public string? SchemaVersion { get; set; }
        [JsonPropertyName("header")] public WireHeader? Header { get; set; }
        [JsonPropertyName("ciphertext")] public string? Ciphertext { get; set; }
        [JsonPropertyName("generator")] public string? Generator { get; set; }
    }

    private sealed class WireHeader
    {
        [JsonPropertyName("kid")] public string? Kid { get; set; }
        [JsonPropertyName("alg")] public string? Alg { get; set; }
        [JsonPropertyName("enc")] public string? Enc { get; set; }
    }
}
