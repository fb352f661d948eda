namespace ClaudeOrchestration.Rag.Context;

/// <summary>Figures about one session.</summary>
public sealed class SessionStatistics
{
    /// <summary>The session's id.</summary>
    public required string SessionId { get; init; }

    /// <summary>When the session was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the session was last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the session was last read or changed.</summary>
    public required DateTimeOffset LastAccessedAt { get; init; }

    /// <summary>How long the session has been idle, as of the statistics' creation.</summary>
    public required TimeSpan IdleTime { get; init; }

    /// <summary>The session's version (1 + the number of saved updates).</summary>
    public required long Version { get; init; }

    /// <summary>How many times the session was read.</summary>
    public required long AccessCount { get; init; }

    /// <summary>How many turns were ever added.</summary>
    public required long TotalTurns { get; init; }

    /// <summary>How many tokens all turns ever added had.</summary>
    public required long TotalTurnTokens { get; init; }

    /// <summary>How many turns the history holds now.</summary>
    public required int HistoryTurns { get; init; }

    /// <summary>How many tokens the history holds now.</summary>
    public required long HistoryTokens { get; init; }

    /// <summary>How many short-term memory items the session holds.</summary>
    public required int MemoryItems { get; init; }

    /// <summary>How many preferences the session holds.</summary>
    public required int Preferences { get; init; }
}
