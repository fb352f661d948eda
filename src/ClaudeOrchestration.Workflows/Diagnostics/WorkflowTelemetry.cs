using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClaudeOrchestration.Workflows.Diagnostics;

/// <summary>The package's ActivitySource and Meter (both named <see cref="WorkflowsPackage.TelemetryName"/>).</summary>
internal static class WorkflowTelemetry
{
    public static readonly ActivitySource Source = new(WorkflowsPackage.TelemetryName);
    public static readonly Meter Meter = new(WorkflowsPackage.TelemetryName);

    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("workflow.runs", "{run}", "Runs that ended, by workflow and status.");
    public static readonly Counter<long> Nodes = Meter.CreateCounter<long>("workflow.nodes", "{node}", "Nodes that ended, by type and status.");
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("workflow.node.retries", "{retry}", "Node attempts that failed and were retried.");
    public static readonly Histogram<double> NodeDuration = Meter.CreateHistogram<double>("workflow.node.duration", "s", "How long nodes ran, from start to checkpoint.");
    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("workflow.run.duration", "s", "How long runs took.");
    public static readonly Counter<double> Cost = Meter.CreateCounter<double>("workflow.cost", "USD", "What nodes spent on Claude.");
}
