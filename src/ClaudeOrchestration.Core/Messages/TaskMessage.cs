namespace ClaudeOrchestration.Messages;

/// <summary>
/// <c>system/task_started</c>, <c>task_progress</c>, <c>task_updated</c> and <c>task_notification</c>: subagents and
/// background tasks; <see cref="SystemMessage.Subtype"/> says which. Subtype-specific fields (usage, last tool, …)
/// are in <see cref="SystemMessage.Raw"/>.
/// </summary>
public sealed class TaskMessage : SystemMessage
{
    /// <summary>The task id.</summary>
    public string? TaskId { get; init; }

    /// <summary>The Task tool call that started it, for subagents.</summary>
    public string? ToolUseId { get; init; }

    /// <summary>What the task does.</summary>
    public string? Description { get; init; }

    /// <summary>The task status (e.g. <c>running</c>, <c>completed</c>, <c>failed</c>, <c>killed</c>), when reported.</summary>
    public string? Status { get; init; }

    /// <summary>A summary of the outcome, on notifications.</summary>
    public string? Summary { get; init; }
}
