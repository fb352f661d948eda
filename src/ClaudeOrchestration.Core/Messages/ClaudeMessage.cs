namespace ClaudeOrchestration.Messages;

/// <summary>
/// One line of the Claude Code CLI's stream-json output (or a control frame on stdin), parsed by
/// <see cref="ClaudeMessageParser"/>. Consume with pattern matching on the derived types; lines whose type has no
/// class of its own arrive as <see cref="UnknownMessage"/>, with the raw JSON kept.
/// </summary>
public abstract class ClaudeMessage
{
    // The hierarchy is closed at the root: every wire type is known to the parser, and new ones arrive as UnknownMessage.
    private protected ClaudeMessage()
    {
    }

    /// <summary>The wire <c>type</c>: <c>system</c>, <c>assistant</c>, <c>user</c>, <c>result</c>, <c>stream_event</c>, <c>control_request</c>, …</summary>
    public abstract string Type { get; }

    /// <summary>The session the frame belongs to (<c>session_id</c>); absent on control frames.</summary>
    public string? SessionId { get; init; }

    /// <summary>The frame's own id (<c>uuid</c>); absent on control frames.</summary>
    public string? Uuid { get; init; }
}
