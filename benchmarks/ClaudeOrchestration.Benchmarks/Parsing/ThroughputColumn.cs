using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ClaudeOrchestration.Benchmarks.Parsing;

/// <summary>
/// Megabytes (10^6 bytes) of the transcript processed per second, from the mean time of one pass, or from the fastest
/// pass (on a machine shared with builds, the fastest pass is the less disturbed figure).
/// </summary>
internal sealed class ThroughputColumn : IColumn
{
    private readonly bool _fromMin;

    private ThroughputColumn(bool fromMin) => _fromMin = fromMin;

    public static ThroughputColumn FromMean { get; } = new(fromMin: false);

    public static ThroughputColumn FromMin { get; } = new(fromMin: true);

    public string Id => _fromMin ? "ThroughputFromMin" : "ThroughputFromMean";

    public string ColumnName => _fromMin ? "MB/s (best)" : "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _fromMin ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _fromMin
        ? "Megabytes (10^6 bytes) of stream-json per second, computed from Min"
        : "Megabytes (10^6 bytes) of stream-json per second, computed from Mean";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        var nanoseconds = _fromMin ? statistics?.Min : statistics?.Mean;
        if (nanoseconds is not > 0)
        {
            return "NA";
        }

        var megabytesPerSecond = StreamJsonTranscript.Bytes.Length / (nanoseconds.Value / 1e9) / 1e6;
        return megabytesPerSecond.ToString("N0", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
