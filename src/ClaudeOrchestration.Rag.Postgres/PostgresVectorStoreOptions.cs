using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Rag.Postgres;

/// <summary>Options of <see cref="PostgresVectorStore"/>.</summary>
public sealed class PostgresVectorStoreOptions
{
    /// <summary>
    /// Gets or sets the Npgsql connection string (for example <c>Host=127.0.0.1;Username=app;Password=…;Database=app</c>),
    /// used when the store builds its own data source. It is never logged.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the schema holding the collections' tables. Default <c>public</c>.</summary>
    public string Schema { get; set; } = "public";

    /// <summary>Gets or sets whether the store runs <c>CREATE EXTENSION IF NOT EXISTS vector</c> on first use. Default <see langword="true"/>.</summary>
    public bool CreateExtension { get; set; } = true;

    /// <summary>Gets or sets HNSW's <c>m</c> for new HNSW indexes. Default 16.</summary>
    public int HnswM { get; set; } = 16;

    /// <summary>Gets or sets HNSW's <c>ef_construction</c> for new HNSW indexes. Default 64.</summary>
    public int HnswEfConstruction { get; set; } = 64;

    /// <summary>Gets or sets HNSW's <c>ef_search</c> for searches (raised to <c>top + skip</c> when that is larger). Default 100.</summary>
    public int HnswEfSearch { get; set; } = 100;

    /// <summary>Gets or sets IVFFlat's <c>lists</c> for new IVFFlat indexes. Default 100.</summary>
    public int IvfFlatLists { get; set; } = 100;

    /// <summary>Gets or sets the text search configuration of full-text indexes and hybrid search. Default <c>english</c>.</summary>
    public string FullTextConfiguration { get; set; } = "english";

    /// <summary>Gets or sets how many times a transient failure (connection refused or reset, server shutting down, attempt timeout) is retried. Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later ones double, with jitter. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the timeout of each attempt. Default 30 s; <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the embedding generator for collections whose vector properties are generated.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>Gets or sets the logger factory; <see langword="null"/> logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Schema, nameof(Schema));
        ArgumentException.ThrowIfNullOrWhiteSpace(FullTextConfiguration, nameof(FullTextConfiguration));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HnswM, nameof(HnswM));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HnswEfConstruction, nameof(HnswEfConstruction));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HnswEfSearch, nameof(HnswEfSearch));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(IvfFlatLists, nameof(IvfFlatLists));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetryAttempts, nameof(MaxRetryAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
    }
}
