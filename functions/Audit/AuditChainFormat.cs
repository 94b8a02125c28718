using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace HsmVault.Audit;

// Shared by the service and the offline verifier (tools/HsmVault.Cli links this file): the one definition of how
// records link into a chain and what a signed chain head covers.

/// <summary>Where a record sits in its writer's chain: written into the record as its <c>hsmvault</c> property.</summary>
public sealed record ChainLink(
    [property: JsonPropertyName("chain")] string Chain,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("prev")] string Prev);

/// <summary>
/// A chain head signed in the HSM with the deployment audit key (ECDSA P-256 over SHA-256 of <see cref="AuditChainFormat.HeadDigest"/>).
/// <c>Closed</c> marks the last head of a chain whose writer stopped cleanly.
/// </summary>
public sealed record ChainHead(
    [property: JsonPropertyName("chain")] string Chain,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("closed")] bool Closed,
    [property: JsonPropertyName("signature")] string Signature);

/// <summary>
/// Signed by the retention sweep before it deletes expired segments: the records of <c>Chain</c> up to and including
/// <c>Seq</c> (whose hash is <c>Hash</c>) were removed because they were older than <c>Cutoff</c>. The verifier starts the
/// chain after it; without the HSM's key nobody else can write one, so an unsigned gap is still reported as removed records.
/// </summary>
public sealed record RetentionCheckpoint(
    [property: JsonPropertyName("chain")] string Chain,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("cutoff")] DateTimeOffset Cutoff,
    [property: JsonPropertyName("signature")] string Signature);

public static class AuditChainFormat
{
    /// <summary>Blob folder (in the audit container) of the chain-head files, one append blob per chain.</summary>
    public const string HeadsPrefix = "hsmvault-chain-heads/";

    /// <summary>The <c>prev</c> of a chain's first record (seq 1).</summary>
    public static readonly string GenesisHash = Convert.ToHexString(new byte[32]);

    /// <summary>Hash of a record: SHA-256 over the previous record's hash and the record's stored line (UTF-8, no newline).</summary>
    public static string Link(string prevHex, ReadOnlySpan<byte> line)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Convert.FromHexString(prevHex));
        sha.AppendData(line);
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    /// <summary>The digest a head's signature covers.</summary>
    public static byte[] HeadDigest(string chain, long seq, string hashHex, DateTimeOffset time, bool closed) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"hsmvault-audit-head/v1\n{chain}\n{seq}\n{hashHex}\n{time.UtcDateTime:O}\n{(closed ? 1 : 0)}"));

    /// <summary>The non-empty lines of a stored blob (JSON Lines) with their 1-based line numbers.</summary>
    public static IEnumerable<(byte[] Line, int Number)> Lines(byte[] content)
    {
        var start = 0;
        var number = 0;
        for (var i = 0; i <= content.Length; i++)
        {
            if (i < content.Length && content[i] != (byte)'\n') continue;
            number++;
            if (i > start) yield return (content[start..i], number);
            start = i + 1;
        }
    }

    public static string HeadBlobName(string chain) => $"{HeadsPrefix}{chain}.json";

    /// <summary>Blob folder of the retention checkpoints, one append blob per chain.</summary>
    public const string RetentionPrefix = "hsmvault-retention/";

    public static string RetentionBlobName(string chain) => $"{RetentionPrefix}{chain}.json";

    /// <summary>The digest a retention checkpoint's signature covers (its own domain, so a head can never pass for one).</summary>
    public static byte[] RetentionDigest(string chain, long seq, string hashHex, DateTimeOffset cutoff) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"hsmvault-audit-retention/v1\n{chain}\n{seq}\n{hashHex}\n{cutoff.UtcDateTime:O}"));
}
