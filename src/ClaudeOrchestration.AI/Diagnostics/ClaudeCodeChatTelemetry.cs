using System.Diagnostics;

namespace ClaudeOrchestration.AI;

/// <summary>
/// The package's <see cref="ActivitySource"/>: one <c>claude.chat</c> span per request, inside the span of M.E.AI's
/// <c>UseOpenTelemetry()</c> when the host adds it, and around Core's <c>claude.session.turn</c> / <c>claude.task</c> spans.
/// </summary>
public static class ClaudeCodeChatTelemetry
{
    /// <summary>Name of the activity source.</summary>
    public const string SourceName = "ClaudeOrchestration.AI";

    internal static readonly ActivitySource Source = new(SourceName, typeof(ClaudeCodeChatTelemetry).Assembly.GetName().Version?.ToString());
}
