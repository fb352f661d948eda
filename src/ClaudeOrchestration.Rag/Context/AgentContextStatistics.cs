namespace ClaudeOrchestration.Rag.Context;

/// <summary>Figures about one context.</summary>
public sealed class AgentContextStatistics
{
    /// <summary>The context's id.</summary>
    public required string ContextId { get; init; }

    /// <summary>When the context was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the context was last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the context was last read or changed.</summary>
    public required DateTimeOffset LastAccessedAt { get; init; }

    /// <summary>How long the context has been idle, as of the statistics' creation.</summary>
    public required TimeSpan IdleTime { get; init; }

    /// <summary>The context's version (1 + the number of saved updates).</summary>
    public required long Version { get; init; }

    /// <summary>How many times the context was read.</summary>
    public required long AccessCount { get; init; }

    /// <summary>How many turns were ever added.</summary>
    public required long TotalTurns { get; init; }

    /// <summary>How many tokens all turns ever added had.</summary>
    public required long TotalTurnTokens { get; init; }

    /// <summary>How many turns the history holds now.</summary>
    public required int HistoryTurns { get; init; }

    /// <summary>How many tokens the history holds now.</summary>
    public required long HistoryTokens { get; init; }

    /// <summary>How many short-term memory items the context holds.</summary>
    public required int MemoryItems { get; init; }

    /// <summary>How many preferences the context holds.</summary>
    public required int Preferences { get; init; }
}
