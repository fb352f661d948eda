namespace ClaudeOrchestration.Messages;

/// <summary>A <c>keep_alive</c> frame; either side may send it, and it carries nothing.</summary>
public sealed class KeepAliveMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "keep_alive";
}
