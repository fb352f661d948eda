using ClaudeOrchestration.Rag.Knowledge;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>Per-request overrides for <see cref="IContextManager.GetRelevantContextAsync(string, string, ContextRequestOptions?, CancellationToken)"/>.</summary>
public sealed class ContextRequestOptions
{
    /// <summary>The token budget; <see langword="null"/> uses <see cref="ContextManagerOptions.DefaultTokenBudget"/>.</summary>
    public int? TokenBudget { get; init; }

    /// <summary>The most knowledge chunks; <see langword="null"/> uses <see cref="ContextManagerOptions.MaxKnowledgeResults"/>; 0 leaves knowledge out.</summary>
    public int? MaxKnowledgeResults { get; init; }

    /// <summary>
    /// The knowledge filter; <see langword="null"/> filters by the context's project (when
    /// <see cref="ContextManagerOptions.RestrictKnowledgeToProject"/> is set).
    /// </summary>
    public KnowledgeFilter? KnowledgeFilter { get; init; }
}
