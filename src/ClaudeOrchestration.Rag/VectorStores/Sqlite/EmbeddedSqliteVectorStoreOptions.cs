using ClaudeOrchestration.Rag.VectorStores.Hnsw;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Rag.VectorStores.Sqlite;

/// <summary>Options for <see cref="EmbeddedSqliteVectorStore"/>.</summary>
public sealed class EmbeddedSqliteVectorStoreOptions
{
    /// <summary>
    /// Gets or sets the embedding generator used by collections whose vector properties are not vectors (for example a
    /// <see cref="string"/> property) and for searches with non-vector input. Default: none.
    /// </summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>
    /// Gets or sets how long a write waits for another connection or process holding the database's write lock
    /// (SQLite <c>busy_timeout</c>) before failing. Default: 5 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the logger factory for diagnostics (vector cache loads). Default: none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Gets or sets the HNSW parameters used for vector properties declared with <c>IndexKind = IndexKind.Hnsw</c>
    /// (other properties are searched exactly). The graph is built in memory when the collection's vectors are loaded
    /// (first search). Unfiltered searches of such properties are approximate; filtered ones stay exact.
    /// </summary>
    public HnswIndexOptions Hnsw { get; set; } = new();

    /// <summary>How hybrid search fuses its keyword and vector candidates (internal: the quality benchmark compares them).</summary>
    internal Hybrid.HybridFusionMethod HybridFusion { get; set; }
}
