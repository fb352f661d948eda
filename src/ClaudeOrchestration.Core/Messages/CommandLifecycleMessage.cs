namespace ClaudeOrchestration.Messages;

/// <summary>
/// A <c>command_lifecycle</c> frame: the progress of a stdin user message that carried a <c>uuid</c>
/// (not in the SDK's public union, but emitted by the CLI).
/// </summary>
public sealed class CommandLifecycleMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "command_lifecycle";

    /// <summary>The <c>uuid</c> of the host's user message.</summary>
    public string? CommandUuid { get; init; }

    /// <summary><c>queued</c>, <c>started</c>, <c>completed</c> or <c>cancelled</c>.</summary>
    public string? State { get; init; }
}
