namespace ClaudeOrchestration.Messages;

/// <summary>
/// <c>system/session_state_changed</c> (emitted when <c>CLAUDE_CODE_SDK_READS_SESSION_STATE=1</c>): <c>idle</c> is the
/// authoritative end of a turn, <c>running</c> and <c>requires_action</c> mark work and pending host callbacks.
/// </summary>
public sealed class SessionStateChangedMessage : SystemMessage
{
    /// <summary><c>idle</c>, <c>running</c> or <c>requires_action</c>.</summary>
    public required string State { get; init; }
}
