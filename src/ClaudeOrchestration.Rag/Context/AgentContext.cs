namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// The state of one agent context: what it is working on, what it remembers, its preferences, its project and its
/// recent conversation. Change it through <see cref="IContextManager.UpdateContextAsync(string, Func{AgentContext, CancellationToken, ValueTask}, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// Instances returned by the context manager are snapshots: changing one changes nothing stored. The bookkeeping
/// properties (<see cref="Version"/>, the timestamps and counters) are maintained by the context manager; changes made to
/// them inside an update are discarded.
/// </remarks>
public sealed class AgentContext
{
    /// <summary>The context's id.</summary>
    public required string Id { get; init; }

    /// <summary>What the agent is working on now (task description, plan, scratch notes). Always included first.</summary>
    public string? WorkingContext { get; set; }

    /// <summary>The project the context works in; by default knowledge searches are restricted to it.</summary>
    public string? Project { get; set; }

    /// <summary>Background about the project (conventions, architecture, constraints).</summary>
    public string? ProjectContext { get; set; }

    /// <summary>Preferences as key/value pairs ("language" = "C#", "style" = "terse").</summary>
    public Dictionary<string, string> Preferences { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Short-term memory, oldest first; trimmed to the newest <see cref="ContextManagerOptions.MaxMemoryItems"/>.</summary>
    public List<MemoryItem> Memory { get; init; } = [];

    /// <summary>Conversation history, oldest first; trimmed to the newest <see cref="ContextManagerOptions.MaxHistoryTurns"/>.</summary>
    public List<ConversationTurn> History { get; init; } = [];

    /// <summary>The context's version: 1 when created, incremented by every saved update.</summary>
    public long Version { get; set; }

    /// <summary>When the context was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the context was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the context was last read or changed; idle contexts expire from this time.</summary>
    public DateTimeOffset LastAccessedAt { get; set; }

    /// <summary>How many times the context was read (context requests, gets) since it was created.</summary>
    public long AccessCount { get; set; }

    /// <summary>How many turns were ever added, including those trimmed away since.</summary>
    public long TotalTurns { get; set; }

    /// <summary>How many tokens all turns ever added had, including those trimmed away since.</summary>
    public long TotalTurnTokens { get; set; }
}
