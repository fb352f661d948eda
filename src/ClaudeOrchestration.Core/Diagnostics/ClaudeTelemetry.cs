using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClaudeOrchestration.Diagnostics;

/// <summary>
/// The Core package's <see cref="ActivitySource"/> and <see cref="Meter"/>. Subscribe with
/// <c>AddSource(ClaudeTelemetry.SourceName)</c> / <c>AddMeter(ClaudeTelemetry.MeterName)</c>.
/// </summary>
public static class ClaudeTelemetry
{
    /// <summary>Name of the activity source: one span per task (<c>claude.task</c>).</summary>
    public const string SourceName = "ClaudeOrchestration";

    /// <summary>Name of the meter.</summary>
    public const string MeterName = "ClaudeOrchestration";

    internal static readonly ActivitySource Source = new(SourceName, typeof(ClaudeTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(MeterName, typeof(ClaudeTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The per-task instruments on the shared meter.</summary>
    internal static readonly ClaudeTaskMetrics TaskMetrics = new(Meter);

    internal static readonly UpDownCounter<long> ActiveProcesses = Meter.CreateUpDownCounter<long>(
        "claude.processes.active", unit: "{process}", description: "Claude CLI processes running now.");

    internal static readonly UpDownCounter<long> QueuedTasks = Meter.CreateUpDownCounter<long>(
        "claude.tasks.queued", unit: "{task}", description: "Tasks waiting for a free process slot.");
}

/// <summary>
/// The per-task instruments (duration, tokens, cost). A client records on <see cref="ClaudeTelemetry.TaskMetrics"/>; a test
/// gives its client instruments on a meter of its own, so it sees only its own task's measurements while others run in parallel.
/// </summary>
internal sealed class ClaudeTaskMetrics(Meter meter)
{
    public Histogram<double> TaskDuration { get; } = meter.CreateHistogram<double>(
        "claude.task.duration", unit: "s", description: "Duration of Claude CLI tasks, from start of the process to its result.");

    public Counter<long> TokenUsage { get; } = meter.CreateCounter<long>(
        "gen_ai.client.token.usage", unit: "{token}", description: "Tokens used by Claude CLI tasks, by gen_ai.token.type.");

    public Counter<double> Cost { get; } = meter.CreateCounter<double>(
        "claude.task.cost", unit: "USD", description: "Cost reported by Claude CLI tasks.");
}
