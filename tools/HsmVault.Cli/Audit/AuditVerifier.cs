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

/// <summary><see cref="Notes"/>: facts that are not problems, such as the records a signed retention checkpoint accounts for.</summary>
public sealed record AuditReport(IReadOnlyList<AuditFinding> Problems, IReadOnlyList<string> Warnings, int Chains, long Records, long Duplicates,
    IReadOnlyList<string>? Notes = null)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>
/// Offline check of the audit log against the deployment's audit public key: every chain must run from seq 1 without a gap,
/// each record must link to the hash of the one before, records of a chain must appear in order within each blob and sit in
/// the blob of their vault and hour, heads must carry a valid signature, match the recomputed chain and not lie beyond its end.
/// Exact duplicate lines (an append retried after an unseen success) are allowed. A chain may instead start after a retention
/// checkpoint signed with the same key (records removed by the retention sweep). Per chain, the first problem is reported.
/// </summary>
public sealed class AuditVerifier(ECDsa publicKey)
{
    private sealed record Entry(long Seq, string Prev, byte[] Line, string Where);

    private sealed class Chain
    {
        public readonly Dictionary<long, Entry> BySeq = new();
        public readonly SortedDictionary<long, (string Hash, bool Closed, string Where)> Heads = new();
        public RetentionCheckpoint? Retained;
        public AuditFinding? Problem;
    }

    public AuditReport Verify(IEnumerable<StoredBlob> segments, IEnumerable<StoredBlob> heads, IEnumerable<StoredBlob>? retention = null)
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
            foreach (var (line, number) in AuditChainFormat.Lines(blob.Content))
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
            foreach (var (line, number) in AuditChainFormat.Lines(blob.Content))
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

        var notes = new List<string>();
        foreach (var blob in retention ?? [])
            foreach (var (line, number) in AuditChainFormat.Lines(blob.Content))
            {
                RetentionCheckpoint? checkpoint;
                try { checkpoint = JsonSerializer.Deserialize<RetentionCheckpoint>(line); }
                catch (JsonException) { checkpoint = null; }
                if (checkpoint is null || !SignatureValid(checkpoint))
                {
                    problems.Add(new AuditFinding(AuditFinding.ForgedHead, checkpoint?.Chain ?? "-", checkpoint?.Seq ?? 0, $"{blob.Name}:{number}",
                        "a retention checkpoint whose signature does not verify with the audit key"));
                    continue;
                }
                var chain = ChainOf(checkpoint.Chain);
                if (chain.Retained is null || checkpoint.Seq > chain.Retained.Seq) chain.Retained = checkpoint;
            }

        foreach (var (id, chain) in chains.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (chain.Retained is { } r) notes.Add($"chain {id}: records up to seq {r.Seq} (older than {r.Cutoff:O}) were removed by retention");
            Walk(id, chain, warnings);
            if (chain.Problem is { } p) problems.Add(p);
        }
        return new AuditReport(problems, warnings, chains.Count, records, duplicates, notes);
    }

    private static void Walk(string id, Chain chain, List<string> warnings)
    {
        // After a retention checkpoint the chain resumes from its hash; records at or before it are not checked.
        var (first, hash) = chain.Retained is { } r ? (r.Seq + 1, r.Hash) : (1L, AuditChainFormat.GenesisHash);
        var lastGoodHead = first - 1;
        var max = Math.Max(chain.BySeq.Count == 0 ? 0 : chain.BySeq.Keys.Max(), first - 1);
        Entry? previous = null;
        for (var seq = first; seq <= max && chain.Problem is null; seq++)
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
                    ? new AuditFinding(AuditFinding.Altered, id, seq, entry.Where, chain.Retained is null
                        ? "the chain's first record does not start from the genesis hash"
                        : "the first record after the retention checkpoint does not link to it")
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
        if (chain.Heads.Count == 0 && max >= first)
        {
            warnings.Add($"chain {id}: {max} records and no signed head: nothing proves them yet");
            return;
        }
        if (chain.Heads.Count == 0) return;
        var (lastSigned, last) = chain.Heads.Last();
        if (lastSigned > max)
            chain.Problem = new AuditFinding(AuditFinding.Truncated, id, max + 1, previous?.Where ?? "-",
                $"the chain ends at seq {max} but a head signed at {last.Where} covers seq {lastSigned}: records {max + 1}..{lastSigned} were cut off");
        else if (max > lastSigned && last.Closed)
            chain.Problem = new AuditFinding(AuditFinding.Inserted, id, lastSigned + 1, chain.BySeq[Math.Max(lastSigned + 1, first)].Where,
                $"records after the chain's closing head (seq {lastSigned}, {last.Where})");
        else if (max > lastSigned)
            warnings.Add($"chain {id}: {max - lastSigned} records after the last signed head (seq {lastSigned}) are not signed yet");
    }

    private bool SignatureValid(RetentionCheckpoint c) =>
        SignatureValid(AuditChainFormat.RetentionDigest(c.Chain, c.Seq, c.Hash, c.Cutoff), c.Signature);

    private bool SignatureValid(byte[] digest, string signature)
    {
        try
        {
            return publicKey.VerifyHash(digest, Convert.FromBase64String(signature));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private bool SignatureValid(ChainHead head) =>
        SignatureValid(AuditChainFormat.HeadDigest(head.Chain, head.Seq, head.Hash, head.Time, head.Closed), head.Signature);

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
}
