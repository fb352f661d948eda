namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// A fact kept in a context's short-term memory ("the user prefers tabs", "build fails on ARM"). Memory items are
/// included in assembled context when they are similar enough to the query.
/// </summary>
public sealed class MemoryItem
{
    /// <summary>The fact.</summary>
    public required string Text { get; init; }

    /// <summary>When it was remembered; the context manager stamps the current time when left at the default.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
