namespace ClaudeOrchestration.Messages;

/// <summary>
/// <c>system/hook_started</c>, <c>hook_progress</c> and <c>hook_response</c> (with <c>--include-hook-events</c>):
/// the life of one configured hook; <see cref="SystemMessage.Subtype"/> says which.
/// </summary>
public sealed class HookEventMessage : SystemMessage
{
    /// <summary>The id shared by the frames of one hook run.</summary>
    public string? HookId { get; init; }

    /// <summary>The hook's name.</summary>
    public string? HookName { get; init; }

    /// <summary>The hook event, e.g. <c>PreToolUse</c> or <c>Stop</c>.</summary>
    public string? HookEvent { get; init; }

    /// <summary>The hook's combined output so far.</summary>
    public string? Output { get; init; }

    /// <summary>The hook's standard output.</summary>
    public string? Stdout { get; init; }

    /// <summary>The hook's standard error.</summary>
    public string? Stderr { get; init; }

    /// <summary>The hook command's exit code, on <c>hook_response</c>.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The outcome on <c>hook_response</c>: <c>success</c>, <c>error</c>, <c>cancelled</c>, …</summary>
    public string? Outcome { get; init; }
}
