namespace ClaudeOrchestration.Testing;

/// <summary>A <c>tool_result</c> block the client sent back in the newest user turn.</summary>
public sealed class RecordedToolResult
{
    /// <summary>The <c>tool_use_id</c> the result answers.</summary>
    public required string ToolUseId { get; init; }

    /// <summary>The result as text: the string content, or the text blocks of an array content joined without separators.</summary>
    public required string Content { get; init; }

    /// <summary>Whether the client flagged the result with <c>is_error:true</c> (a failed or denied tool call).</summary>
    public required bool IsError { get; init; }

    /// <inheritdoc/>
    public override string ToString() => IsError ? $"{ToolUseId} (error): {Content}" : $"{ToolUseId}: {Content}";
}
