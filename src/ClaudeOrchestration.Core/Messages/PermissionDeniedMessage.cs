namespace ClaudeOrchestration.Messages;

/// <summary>
/// <c>system/permission_denied</c>: a tool call was denied without asking (no handler, or a rule). The tool result the
/// model sees follows as a <see cref="UserMessage"/>, and the call is listed in <see cref="ResultMessage.PermissionDenials"/>.
/// </summary>
public sealed class PermissionDeniedMessage : SystemMessage
{
    /// <summary>The tool that was denied.</summary>
    public required string ToolName { get; init; }

    /// <summary>The id of the denied <see cref="ToolUseBlock"/>.</summary>
    public string? ToolUseId { get; init; }

    /// <summary>The kind of reason, e.g. <c>workingDir</c> or <c>rule</c>.</summary>
    public string? DecisionReasonType { get; init; }

    /// <summary>Why it was denied, e.g. <c>Path is outside allowed working directories</c>.</summary>
    public string? DecisionReason { get; init; }

    /// <summary>The text shown to the model.</summary>
    public string? Message { get; init; }

    /// <summary>The subagent that made the call, when it was not the main agent.</summary>
    public string? AgentId { get; init; }
}
