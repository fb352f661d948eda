using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClaudeOrchestration.Rag.Diagnostics;

/// <summary>
/// The RAG package's <see cref="ActivitySource"/> and <see cref="Meter"/>. Subscribe with
/// <c>AddSource(RagTelemetry.ActivitySourceName)</c> and <c>AddMeter(RagTelemetry.MeterName)</c>.
/// </summary>
public static class RagTelemetry
{
    /// <summary>The name of the activity source (spans for ingest, search and context assembly).</summary>
    public const string ActivitySourceName = "ClaudeOrchestration.Rag";

    /// <summary>The name of the meter.</summary>
    public const string MeterName = "ClaudeOrchestration.Rag";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> ChunksWritten = Meter.CreateCounter<long>(
        "claude_orchestration.rag.chunks_written", unit: "{chunk}", description: "Knowledge chunks embedded and written to the vector store.");

    internal static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>(
        "claude_orchestration.rag.search.duration", unit: "s", description: "Duration of knowledge searches.");

    internal static readonly Counter<long> ContextRequests = Meter.CreateCounter<long>(
        "claude_orchestration.rag.context.requests", unit: "{request}", description: "Context assemblies, tagged cache=hit|miss.");

    internal static readonly Histogram<int> ContextTokens = Meter.CreateHistogram<int>(
        "claude_orchestration.rag.context.tokens", unit: "{token}", description: "Tokens in assembled contexts.");

    internal static readonly Counter<long> ContextsExpired = Meter.CreateCounter<long>(
        "claude_orchestration.rag.contexts.expired", unit: "{context}", description: "Idle contexts removed by expiry.");
}
