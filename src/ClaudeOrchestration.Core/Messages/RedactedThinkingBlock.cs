namespace ClaudeOrchestration.Messages;

/// <summary>Reasoning the API returned encrypted (<c>{"type":"redacted_thinking","data":…}</c>).</summary>
public sealed class RedactedThinkingBlock : ContentBlock
{
    /// <inheritdoc />
    public override string Type => "redacted_thinking";

    /// <summary>The opaque encrypted payload.</summary>
    public string? Data { get; init; }
}
