using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A <c>type:"user"</c> frame: tool results going back to the model, replays of the host's own input
/// (<c>--replay-user-messages</c>), and CLI notes such as <c>[Request interrupted by user]</c>. The wire nests the
/// content under <c>message</c>; a plain string content is surfaced as one <see cref="TextBlock"/>.
/// </summary>
/// <remarks>Serialising it writes the stdin wire shape (its converter is on the type).</remarks>
[JsonConverter(typeof(UserMessageConverter))]
public sealed class UserMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "user";

    /// <summary>The content blocks (<c>message.content</c>); a string content becomes one <see cref="TextBlock"/>.</summary>
    public required IReadOnlyList<ContentBlock> Content { get; init; }

    /// <summary>The Task tool call this belongs to when a subagent's conversation produced it.</summary>
    public string? ParentToolUseId { get; init; }

    /// <summary>The tool's structured output (<c>tool_use_result</c>), richer than the text the model sees; shape depends on the tool.</summary>
    public JsonElement? ToolUseResult { get; init; }

    /// <summary>Whether this echoes a message the host sent (wire <c>isReplay</c>).</summary>
    public bool IsReplay { get; init; }

    /// <summary>Whether the CLI made this message up rather than the user or a tool (wire <c>isSynthetic</c>).</summary>
    public bool IsSynthetic { get; init; }
}
