using System.Diagnostics.Metrics;
using ClaudeOrchestration.Diagnostics;

namespace ClaudeOrchestration.Sessions;

/// <summary>Session instruments on the Core package's meter (<see cref="ClaudeTelemetry.MeterName"/>).</summary>
internal static class SessionTelemetry
{
    public static readonly UpDownCounter<long> ActiveSessions = ClaudeTelemetry.Meter.CreateUpDownCounter<long>(
        "claude.sessions.active", unit: "{session}", description: "Claude CLI sessions that are started and not faulted or closed.");

    public static readonly Histogram<double> TurnDuration = ClaudeTelemetry.Meter.CreateHistogram<double>(
        "claude.session.turn.duration", unit: "s", description: "Duration of session turns, from the prompt write to the result.");

    public static readonly Counter<long> Faults = ClaudeTelemetry.Meter.CreateCounter<long>(
        "claude.session.faults", unit: "{fault}", description: "Sessions that faulted (CLI died, oversized line, ignored interrupt).");
}
