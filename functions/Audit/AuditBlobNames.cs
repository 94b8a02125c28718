namespace HsmVault.Audit;

/// <summary>
/// Blob names of audit segments, laid out as Azure Key Vault's diagnostic logs:
/// <c>resourceId=/SUBSCRIPTIONS/…/VAULTS/NAME/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json</c>. An append blob holds at most
/// 50,000 blocks, so a busy hour continues in <c>PT1H.1.json</c>, <c>PT1H.2.json</c>… of the same folder.
/// </summary>
public static class AuditBlobNames
{
    public const string UnresolvedVault = "(unresolved)";

    public static string ResourceId(string prefix, string vault) => prefix + vault.ToUpperInvariant();

    public static string HourFolder(string resourceId, DateTimeOffset time)
    {
        var t = time.UtcDateTime;
        return $"resourceId={resourceId}/y={t.Year:D4}/m={t.Month:D2}/d={t.Day:D2}/h={t.Hour:D2}/m=00/";
    }

    /// <summary>The hour a segment's name says it holds (from its y=/m=/d=/h= folders); null for any other name.</summary>
    public static DateTimeOffset? HourOf(string blobName)
    {
        var m = System.Text.RegularExpressions.Regex.Match(blobName, @"/y=(\d{4})/m=(\d{2})/d=(\d{2})/h=(\d{2})/m=00/PT1H(\.\d+)?\.json$");
        if (!m.Success) return null;
        int Part(int i) => int.Parse(m.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture);
        try { return new DateTimeOffset(Part(1), Part(2), Part(3), Part(4), 0, 0, TimeSpan.Zero); }
        catch (ArgumentOutOfRangeException) { return null; }
    }

    public static string Segment(string resourceId, DateTimeOffset time, int part) =>
        HourFolder(resourceId, time) + (part == 0 ? "PT1H.json" : $"PT1H.{part}.json");
}
