using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ClaudeOrchestration.Benchmarks.Ingest;

/// <summary>Chunks of the corpus handled per second, from the mean time of one pass over the whole corpus.</summary>
internal sealed class ChunksPerSecondColumn : IColumn
{
    public string Id => nameof(ChunksPerSecondColumn);

    public string ColumnName => "Chunks/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Chunks per second ({IngestCorpus.ChunkCount} chunks of <= 512 tokens per pass), computed from Mean";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0
            ? (IngestCorpus.ChunkCount / (mean.Value / 1e9)).ToString("N0", CultureInfo.InvariantCulture)
            : "NA";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
