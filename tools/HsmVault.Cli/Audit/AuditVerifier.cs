using System.Security.Cryptography;
using System.Text.Json;
using HsmVault.Audit;

namespace HsmVault.Cli.Audit;

/// <summary>One stored blob as the verifier reads it.</summary>
public sealed record StoredBlob(string Name, byte[] Content);

/// <summary>What the verifier found. <see cref="Where"/> is <c>blob:line</c> (1-based) of the record to look at.</summary>
public sealed record AuditFinding(string Kind, string Chain, long Seq, string Where, string Detail)
{
    public const string Altered = "altered", Removed = "removed", Reordered = "reordered", Inserted = "inserted",
        Truncated = "truncated", ForgedHead = "forged-head", Misplaced = "misplaced";
    public override string ToString() => $"{Kind}: chain {Chain} seq {Seq} at {Where}: {Detail}";
}

public sealed record AuditReport(IReadOnlyList<AuditFinding> Problems, IReadOnlyList<string> Warnings, int Chains, long Records, long Duplicates)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>
/// Offline check of the audit log against the deployment's audit public key: every chain must run from seq 1 without a gap,
/// each record must link to the hash of the one before, records of a chain must appear in order within each blob and sit in
/// the blob of their vault and hour, heads must carry a valid signature, match the recomputed chain and not lie beyond its end.
/// Exact duplicate lines (an append retried after an unseen success) are allowed. Per chain, the first problem is reported.
/// </summary>
public sealed class AuditVerifier(ECDsa publicKey)
{
    private sealed record Entry(long Seq, string Prev, byte[] Line, string Where);

    private sealed class Chain
    {
        public readonly Dictionary<long, Entry> BySeq = new();
        public readonly SortedDictionary<long, (string Hash, bool Closed, string Where)> Heads = new();
        public AuditFinding? Problem;
    }

    public AuditReport Verify(IEnumerable<StoredBlob> segments, IEnumerable<StoredBlob> heads)
    {
        var chains = new Dictionary<string, Chain>();
        var problems = new List<AuditFinding>();
        var warnings = new List<string>();
        long records = 0, duplicates = 0;
        Chain ChainOf(string id) => chains.TryGetValue(id, out var c) ? c : chains[id] = new Chain();
        void Flag(Chain c, AuditFinding f) => c.Problem ??= f;

        foreach (var blob in segments.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            var lastSeq = new Dictionary<string, long>();
            foreach (var (line, number) in Lines(blob.Content))
            {
                var where = $"{blob.Name}:{number}";
                if (!TryParseRecord(line, out var chainId, out var seq, out var prev, out var folder))
                {
                    problems.Add(new AuditFinding(AuditFinding.Inserted, "-", 0, where, "a line that is not a chained audit record"));
                    continue;
                }
                records++;
                var chain = ChainOf(chainId);
                if (chain.BySeq.TryGetValue(seq, out var seen))
                {
                    if (seen.Line.AsSpan().SequenceEqual(line)) { duplicates++; continue; }
                    Flag(chain, new AuditFinding(AuditFinding.Inserted, chainId, seq, where, $"a second, different record with this seq (the first is at {seen.Where})"));
                    continue;
                }
                if (lastSeq.TryGetValue(chainId, out var before) && seq < before)
                    Flag(chain, new AuditFinding(AuditFinding.Reordered, chainId, seq, where, $"stored after seq {before} in the same blob"));
                lastSeq[chainId] = Math.Max(seq, before);
                if (!blob.Name.StartsWith(folder, StringComparison.Ordinal))
                    Flag(chain, new AuditFinding(AuditFinding.Misplaced, chainId, seq, where, $"the record belongs under {folder}"));
                chain.BySeq[seq] = new Entry(seq, prev, line, where);
            }
        }

        foreach (var blob in heads)
            foreach (var (line, number) in Lines(blob.Content))
            {
                var where = $"{blob.Name}:{number}";
                ChainHead? head;
                try { head = JsonSerializer.Deserialize<ChainHead>(line); }
                catch (JsonException) { head = null; }
                if (head is null || !SignatureValid(head))
                {
                    problems.Add(new AuditFinding(AuditFinding.ForgedHead, head?.Chain ?? "-", head?.Seq ?? 0, where, "a chain head whose signature does not verify with the audit key"));
                    continue;
                }
                ChainOf(head.Chain).Heads[head.Seq] = (head.Hash, head.Closed, where);
            }

        foreach (var (id, chain) in chains.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Walk(id, chain, warnings);
            if (chain.Problem is { } p) problems.Add(p);
        }
        return new AuditReport(problems, warnings, chains.Count, records, duplicates);
    }

    private static void Walk(string id, Chain chain, List<string> warnings)
    {
        var hash = AuditChainFormat.GenesisHash;
        long lastGoodHead = 0;
        var max = chain.BySeq.Count == 0 ? 0 : chain.BySeq.Keys.Max();
        Entry? previous = null;
        for (long seq = 1; seq <= max && chain.Problem is null; seq++)
        {
            if (!chain.BySeq.TryGetValue(seq, out var entry))
            {
                var next = chain.BySeq.Where(e => e.Key > seq).MinBy(e => e.Key).Value;
                chain.Problem = new AuditFinding(AuditFinding.Removed, id, seq, next.Where,
                    $"record seq {seq} is missing (removed) before this one{(previous is null ? "" : $", after {previous.Where}")}");
                return;
            }
            if (entry.Prev != hash)
            {
                chain.Problem = previous is null
                    ? new AuditFinding(AuditFinding.Altered, id, seq, entry.Where, "the chain's first record does not start from the genesis hash")
                    : new AuditFinding(AuditFinding.Altered, id, previous.Seq, previous.Where, $"its hash no longer matches the link in seq {seq} ({entry.Where})");
                return;
            }
            hash = AuditChainFormat.Link(hash, entry.Line);
            if (chain.Heads.TryGetValue(seq, out var head))
            {
                if (head.Hash != hash)
                {
                    chain.Problem = new AuditFinding(AuditFinding.Altered, id, lastGoodHead + 1, chain.BySeq[lastGoodHead + 1].Where,
                        $"records seq {lastGoodHead + 1}..{seq} were rewritten: they no longer match the head signed at seq {seq} ({head.Where})");
                    return;
                }
                lastGoodHead = seq;
            }
            previous = entry;
        }
        if (chain.Problem is not null) return;
        if (chain.Heads.Count == 0)
        {
            warnings.Add($"chain {id}: {max} records and no signed head: nothing proves them yet");
            return;
        }
        var (lastSigned, last) = chain.Heads.Last();
        if (lastSigned > max)
            chain.Problem = new AuditFinding(AuditFinding.Truncated, id, max + 1, previous?.Where ?? "-",
                $"the chain ends at seq {max} but a head signed at {last.Where} covers seq {lastSigned}: records {max + 1}..{lastSigned} were cut off");
        else if (max > lastSigned && last.Closed)
            chain.Problem = new AuditFinding(AuditFinding.Inserted, id, lastSigned + 1, chain.BySeq[lastSigned + 1].Where,
                $"records after the chain's closing head (seq {lastSigned}, {last.Where})");
        else if (max > lastSigned)
            warnings.Add($"chain {id}: {max - lastSigned} records after the last signed head (seq {lastSigned}) are not signed yet");
    }

    private bool SignatureValid(ChainHead head)
    {
        try
        {
            var digest = AuditChainFormat.HeadDigest(head.Chain, head.Seq, head.Hash, head.Time, head.Closed);
            return publicKey.VerifyHash(digest, Convert.FromBase64String(head.Signature));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryParseRecord(byte[] line, out string chain, out long seq, out string prev, out string folder)
    {
        (chain, seq, prev, folder) = ("", 0, "", "");
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("hsmvault", out var link)) return false;
            chain = link.GetProperty("chain").GetString() ?? "";
            seq = link.GetProperty("seq").GetInt64();
            prev = link.GetProperty("prev").GetString() ?? "";
            folder = AuditBlobNames.HourFolder(root.GetProperty("resourceId").GetString() ?? "", root.GetProperty("time").GetDateTimeOffset());
            return chain.Length > 0 && seq > 0;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return false;
        }
    }

    private static IEnumerable<(byte[] Line, int Number)> Lines(byte[] content)
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
}
