using ClaudeOrchestration.Rag.VectorStores.Hnsw;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.Rag.VectorStores.InMemory;

/// <summary>Options for <see cref="EmbeddedMemoryVectorStore"/>.</summary>
public sealed class EmbeddedMemoryVectorStoreOptions
{
    /// <summary>
    /// Gets or sets the embedding generator used by collections whose vector properties are not vectors (for example a
    /// <see cref="string"/> property) and for searches with non-vector input. Default: none.
    /// </summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>
    /// Gets or sets the HNSW parameters used for vector properties declared with <c>IndexKind = IndexKind.Hnsw</c>
    /// (other properties are searched exactly). Unfiltered searches of such properties are approximate; filtered ones stay exact.
    /// </summary>
    public HnswIndexOptions Hnsw { get; set; } = new();

    /// <summary>How hybrid search fuses its keyword and vector candidates (internal: the quality benchmark compares them).</summary>
    internal Hybrid.HybridFusionMethod HybridFusion { get; set; }
}
