using ClaudeOrchestration.Rag.Embeddings;

namespace ClaudeOrchestration.Rag.Knowledge;

/// <summary>Settings for <see cref="KnowledgeBase"/>; bound from the <c>Knowledge</c> section of the RAG options.</summary>
public sealed class KnowledgeBaseOptions
{
    /// <summary>The vector length the embedding generator produces and the collection stores. Default 384.</summary>
    public int EmbeddingDimensions { get; set; } = HashingEmbeddingGenerator.DefaultDimensions;

    /// <summary>The most texts sent to the embedding generator in one call. Default 64.</summary>
    public int EmbeddingBatchSize { get; set; } = BatchingEmbeddingGenerator.DefaultBatchSize;

    /// <summary>The largest chunk, in <see cref="ChunkUnit"/>s. Default 512 (tokens).</summary>
    public int ChunkSize { get; set; } = 512;

    /// <summary>How much neighbouring chunks share, in <see cref="ChunkUnit"/>s; less than <see cref="ChunkSize"/>. Default 64.</summary>
    public int ChunkOverlap { get; set; } = 64;

    /// <summary>What <see cref="ChunkSize"/> and <see cref="ChunkOverlap"/> count. Default <see cref="ChunkUnit.Tokens"/>.</summary>
    public ChunkUnit ChunkUnit { get; set; } = ChunkUnit.Tokens;

    /// <summary>The longest document accepted, in characters; longer ones are rejected with an error. Default 4,000,000.</summary>
    public int MaxDocumentCharacters { get; set; } = 4_000_000;
}
