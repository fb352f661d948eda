namespace ClaudeOrchestration.Messages;

/// <summary>A control-protocol cancellation: the sender withdraws its pending request <see cref="RequestId"/>; no reply is expected.</summary>
public sealed class ControlCancelRequestMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "control_cancel_request";

    /// <summary>The id of the withdrawn request.</summary>
    public required string RequestId { get; init; }
}
