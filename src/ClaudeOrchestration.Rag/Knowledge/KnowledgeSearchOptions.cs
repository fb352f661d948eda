namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>How a knowledge search ranks and filters.</summary>
public sealed class KnowledgeSearchOptions
{
    /// <summary>The most results to return. Default 5.</summary>
    public int Top { get; init; } = 5;

    /// <summary>
    /// The least cosine similarity (-1..1) between the query and a chunk for the chunk to be returned; <see langword="null"/>
    /// (default) returns the best <see cref="Top"/> whatever their score. With hybrid ranking this applies to the vector
    /// score (<see cref="KnowledgeSearchResult.VectorScore"/>) of each candidate, keyword-found ones included.
    /// </summary>
    public double? MinScore { get; init; }

    /// <summary>Metadata conditions; <see langword="null"/> searches everything.</summary>
    public KnowledgeFilter? Filter { get; init; }

    /// <summary>
    /// Rank by keywords as well as by meaning. Default <see langword="true"/>. When the collection implements MEVD's
    /// <see cref="Microsoft.Extensions.VectorData.IKeywordHybridSearchable{TRecord}"/> (both embedded stores do), the store
    /// retrieves the best <see cref="HybridCandidates"/> chunks from its keyword index (BM25) and, independently, the best
    /// <see cref="HybridCandidates"/> by vector, and fuses the two rankings by reciprocal rank fusion (k = 60; with the
    /// hashing embedder the keyword ranking counts twice, its vectors being a weak lexical signal): a chunk that only the
    /// keywords find can still be returned. Other stores fall back to re-ranking the best
    /// <see cref="HybridCandidates"/> vector candidates with BM25 over their text. Helps exact terms (names, identifiers,
    /// error codes) that an embedding model blurs, and lifts retrieval quality with the hashing embedder (see
    /// <c>docs/benchmarks.md</c>). Set <see langword="false"/> for pure vector ranking.
    /// </summary>
    public bool Hybrid { get; init; } = true;

    /// <summary>
    /// How deep each ranking goes in a hybrid search (keyword and vector candidates fused; or, on a store without keyword
    /// search, vector candidates re-scored); at least <see cref="Top"/>. Default 50.
    /// </summary>
    public int HybridCandidates { get; init; } = 50;
}
