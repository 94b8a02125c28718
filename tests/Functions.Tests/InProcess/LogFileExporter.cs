using OpenTelemetry;
using OpenTelemetry.Logs;

namespace HsmVault.Tests.InProcess;

/// <summary>Appends every log record of an in-process app to a file, so the hygiene tests search it like a host's log.</summary>
public sealed class LogFileExporter(string path) : BaseExporter<LogRecord>
{
    private readonly object _gate = new();

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        var lines = new List<string>();
        foreach (var r in batch)
            lines.Add($"{r.Timestamp:O} {r.LogLevel} {r.CategoryName}: {r.FormattedMessage} {string.Join(",", r.Attributes ?? [])} {r.Exception}");
        lock (_gate) File.AppendAllLines(path, lines);
        return ExportResult.Success;
    }
}
