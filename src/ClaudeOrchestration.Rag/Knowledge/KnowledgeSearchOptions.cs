namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>How a knowledge search ranks and filters.</summary>
public sealed class KnowledgeSearchOptions
{
    /// <summary>The most results to return. Default 5.</summary>
    public int Top { get; init; } = 5;

    /// <summary>
    /// The least cosine similarity (-1..1) between the query and a chunk for the chunk to be returned; <see langword="null"/>
    /// (default) returns the best <see cref="Top"/> whatever their score. With hybrid ranking this applies to the vector
    /// score before fusion.
    /// </summary>
    public double? MinScore { get; init; }

    /// <summary>Metadata conditions; <see langword="null"/> searches everything.</summary>
    public KnowledgeFilter? Filter { get; init; }

    /// <summary>
    /// Re-rank by keywords too: the best <see cref="HybridCandidates"/> chunks by vector similarity are scored with BM25
    /// over their text, and the two rankings are fused by reciprocal rank fusion (k = 60). Helps exact terms (names,
    /// identifiers, error codes) that a semantic model blurs. Default <see langword="false"/>.
    /// </summary>
    public bool Hybrid { get; init; }

    /// <summary>How many vector candidates hybrid ranking re-scores; at least <see cref="Top"/>. Default 50.</summary>
    public int HybridCandidates { get; init; } = 50;
}
