using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>One message of a context's conversation history.</summary>
public sealed class ConversationTurn
{
    /// <summary>Who said it (<see cref="ChatRole.User"/>, <see cref="ChatRole.Assistant"/>, ...).</summary>
    public required ChatRole Role { get; init; }

    /// <summary>What was said.</summary>
    public required string Content { get; init; }

    /// <summary>When it was said; the context manager stamps the current time when left at the default.</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>The turn's size in tokens; set by the context manager when the turn is saved.</summary>
    public int? TokenCount { get; set; }
}
