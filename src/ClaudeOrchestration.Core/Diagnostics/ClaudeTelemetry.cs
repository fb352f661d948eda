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

    internal static readonly Histogram<double> TaskDuration = Meter.CreateHistogram<double>(
        "claude.task.duration", unit: "s", description: "Duration of Claude CLI tasks, from start of the process to its result.");

    internal static readonly Counter<long> TokenUsage = Meter.CreateCounter<long>(
        "gen_ai.client.token.usage", unit: "{token}", description: "Tokens used by Claude CLI tasks, by gen_ai.token.type.");

    internal static readonly Counter<double> Cost = Meter.CreateCounter<double>(
        "claude.task.cost", unit: "USD", description: "Cost reported by Claude CLI tasks.");

    internal static readonly UpDownCounter<long> ActiveProcesses = Meter.CreateUpDownCounter<long>(
        "claude.processes.active", unit: "{process}", description: "Claude CLI processes running now.");

    internal static readonly UpDownCounter<long> QueuedTasks = Meter.CreateUpDownCounter<long>(
        "claude.tasks.queued", unit: "{task}", description: "Tasks waiting for a free process slot.");
}
