namespace ClaudeOrchestration.Rag.Context;

/// <summary>Settings for <see cref="ContextManager"/>; bound from the <c>Context</c> section of the RAG options.</summary>
public sealed class ContextManagerOptions
{
    /// <summary>The token budget of an assembled context when the request sets none. Default 4000.</summary>
    public int DefaultTokenBudget { get; set; } = 4000;

    /// <summary>How many turns a context's history keeps; older turns are dropped. Default 50.</summary>
    public int MaxHistoryTurns { get; set; } = 50;

    /// <summary>How many short-term memory items a context keeps; older items are dropped. Default 100.</summary>
    public int MaxMemoryItems { get; set; } = 100;

    /// <summary>How many of the newest turns are included before knowledge and memory when the budget is tight. Default 2.</summary>
    public int PriorityRecentTurns { get; set; } = 2;

    /// <summary>The most knowledge chunks an assembled context includes. Default 5.</summary>
    public int MaxKnowledgeResults { get; set; } = 5;

    /// <summary>The least cosine similarity for a knowledge chunk to be included. Default 0.1.</summary>
    public double MinKnowledgeScore { get; set; } = 0.1;

    /// <summary>The least cosine similarity for a memory item to be included. Default 0.1.</summary>
    public double MinMemoryScore { get; set; } = 0.1;

    /// <summary>Use hybrid (keyword + vector) ranking for knowledge. Default <see langword="true"/>.</summary>
    public bool HybridKnowledgeSearch { get; set; } = true;

    /// <summary>
    /// Search only the context's project's knowledge when the context has a <see cref="AgentContext.Project"/>.
    /// Default <see langword="true"/>.
    /// </summary>
    public bool RestrictKnowledgeToProject { get; set; } = true;

    /// <summary>How many assembled contexts are cached (least recently used are evicted); 0 disables the cache. Default 256.</summary>
    public int CacheCapacity { get; set; } = 256;

    /// <summary>Contexts not read or changed for this long are deleted by the expiry service. Default 24 hours.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the expiry service looks for idle contexts. Default 5 minutes.</summary>
    public TimeSpan ExpiryScanInterval { get; set; } = TimeSpan.FromMinutes(5);
}
