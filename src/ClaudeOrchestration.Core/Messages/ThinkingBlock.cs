namespace ClaudeOrchestration.Messages;

/// <summary>The model's visible reasoning (<c>{"type":"thinking","thinking":…,"signature":…}</c>).</summary>
public sealed class ThinkingBlock : ContentBlock
{
    /// <inheritdoc />
    public override string Type => "thinking";

    /// <summary>The reasoning text (may be a summary, depending on the thinking display mode).</summary>
    public required string Thinking { get; init; }

    /// <summary>The signature the API uses to verify the block when it is sent back.</summary>
    public string? Signature { get; init; }
}
