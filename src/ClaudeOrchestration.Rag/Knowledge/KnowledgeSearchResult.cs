namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>One chunk found by a knowledge search.</summary>
public sealed class KnowledgeSearchResult
{
    /// <summary>The id of the chunk's document.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Position of the chunk in its document.</summary>
    public required int ChunkIndex { get; init; }

    /// <summary>The chunk's text, trimmed.</summary>
    public required string Text { get; init; }

    /// <summary>
    /// The ranking score, higher is better: the cosine similarity for a vector search, the reciprocal-rank-fusion score
    /// for a hybrid search.
    /// </summary>
    public required double Score { get; init; }

    /// <summary>The cosine similarity between the query and the chunk.</summary>
    public required double VectorScore { get; init; }

    /// <summary>
    /// The chunk's BM25 keyword score when the knowledge base re-ranked vector candidates itself (a store without keyword
    /// search); <see langword="null"/> for a vector search and for a store-side hybrid search, which reports only the fused
    /// <see cref="Score"/>.
    /// </summary>
    public double? KeywordScore { get; init; }

    /// <summary>The document's project, if any.</summary>
    public string? Project { get; init; }

    /// <summary>Where the document came from, if known.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The document's title, if any.</summary>
    public string? Title { get; init; }

    /// <summary>The document's tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The document's other metadata.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
}
