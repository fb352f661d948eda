using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Rag.Qdrant;

/// <summary>Options of <see cref="QdrantVectorStore"/>.</summary>
public sealed class QdrantVectorStoreOptions
{
    /// <summary>Gets or sets the REST endpoint. Default <c>http://127.0.0.1:6333</c>.</summary>
    public Uri Endpoint { get; set; } = new("http://127.0.0.1:6333");

    /// <summary>Gets or sets the API key sent as the <c>api-key</c> header; <see langword="null"/> sends none. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets how many times a transient failure (connection refused, 429, 502–504, attempt timeout) is retried. Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later ones double, with jitter. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the timeout of each attempt. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the embedding generator for collections whose vector properties are generated.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>Gets or sets the logger factory; <see langword="null"/> logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
