namespace ClaudeOrchestration.Messages;

/// <summary>A <c>tool_progress</c> frame: a long-running tool call is still going.</summary>
public sealed class ToolProgressMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "tool_progress";

    /// <summary>The running tool call.</summary>
    public string? ToolUseId { get; init; }

    /// <summary>The tool's name.</summary>
    public string? ToolName { get; init; }

    /// <summary>The Task tool call this belongs to when a subagent made the call.</summary>
    public string? ParentToolUseId { get; init; }

    /// <summary>Seconds since the tool started.</summary>
    public double ElapsedTimeSeconds { get; init; }

    /// <summary>The background task running the tool, if any.</summary>
    public string? TaskId { get; init; }
}
