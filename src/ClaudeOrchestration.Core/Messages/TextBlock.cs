namespace ClaudeOrchestration.Messages;

/// <summary>Plain text (<c>{"type":"text","text":…}</c>).</summary>
public sealed class TextBlock : ContentBlock
{
    /// <inheritdoc />
    public override string Type => "text";

    /// <summary>The text.</summary>
    public required string Text { get; init; }
}
