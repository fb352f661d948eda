using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClaudeOrchestration.Mcp.Diagnostics;

/// <summary>
/// The MCP package's <see cref="ActivitySource"/> and <see cref="Meter"/>: one <c>claude.mcp_message</c> span and one
/// duration measurement per message the CLI sends to an in-process server. The SDK adds its own spans and metrics per tool
/// call (source and meter <c>ModelContextProtocol</c>). Subscribe with <c>AddSource(McpTelemetry.SourceName)</c> and
/// <c>AddMeter(McpTelemetry.MeterName)</c>.
/// </summary>
public static class McpTelemetry
{
    /// <summary>Name of the activity source.</summary>
    public const string SourceName = "ClaudeOrchestration.Mcp";

    /// <summary>Name of the meter.</summary>
    public const string MeterName = "ClaudeOrchestration.Mcp";

    internal static readonly ActivitySource Source = new(SourceName, typeof(McpTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(MeterName, typeof(McpTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Histogram<double> MessageDuration = Meter.CreateHistogram<double>(
        "claude.mcp_message.duration", unit: "s",
        description: "Time an in-process MCP server took to answer a message from the Claude Code CLI, by mcp.server.name, mcp.method.name and outcome.");
}
