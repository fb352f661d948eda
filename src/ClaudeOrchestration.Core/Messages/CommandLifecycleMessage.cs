namespace ClaudeOrchestration.Messages;

/// <summary>
/// A <c>command_lifecycle</c> frame: the progress of a stdin user message that carried a <c>uuid</c>
/// (not in the SDK's public union, but emitted by the CLI).
/// </summary>
/// <remarks>
/// A session sends every prompt with a <c>uuid</c>, so each turn carries these frames, typically two: <c>started</c> when
/// the CLI takes the prompt, and <c>completed</c> when it has finished it (with a prompt still waiting behind a running turn,
/// <c>queued</c> comes first). They arrive in the turn's stream next to the other messages and are safe to ignore;
/// <c>ClaudeSession</c> uses them to tell its own turn's frames from stray ones (a frame for another <c>uuid</c> goes to
/// <c>OutOfTurnMessageCallback</c>), and <c>cancelled</c> (a queued prompt withdrawn by an interrupt) ends a turn that
/// never ran.
/// </remarks>
public sealed class CommandLifecycleMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "command_lifecycle";

    /// <summary>The <c>uuid</c> of the host's user message.</summary>
    public string? CommandUuid { get; init; }

    /// <summary><c>queued</c>, <c>started</c>, <c>completed</c> or <c>cancelled</c>.</summary>
    public string? State { get; init; }
}
