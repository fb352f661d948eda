using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Rag.Chroma;

/// <summary>Options of <see cref="ChromaVectorStore"/> and <see cref="ChromaClient"/>.</summary>
public sealed class ChromaVectorStoreOptions
{
    /// <summary>Gets or sets the server's base address. Default <c>http://127.0.0.1:8000</c>.</summary>
    public Uri Endpoint { get; set; } = new("http://127.0.0.1:8000");

    /// <summary>Gets or sets the tenant. Default <c>default_tenant</c>, which every Chroma server has.</summary>
    public string Tenant { get; set; } = "default_tenant";

    /// <summary>Gets or sets the database. Default <c>default_database</c>, which every Chroma server has.</summary>
    public string Database { get; set; } = "default_database";

    /// <summary>
    /// Gets or sets whether the tenant and database are created on first use when they do not exist. Default
    /// <see langword="false"/> (a missing database is then an error naming it).
    /// </summary>
    public bool CreateDatabaseIfMissing { get; set; }

    /// <summary>
    /// Gets or sets the token sent as <c>x-chroma-token</c> to a server with token authentication; <see langword="null"/> (the
    /// default) sends none. It is never logged.
    /// </summary>
    public string? ApiToken { get; set; }

    /// <summary>Gets or sets how many times a transient failure (connection refused, 429, 502–504, attempt timeout) is retried. Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later ones double, with jitter. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the timeout of each attempt. Default 30 s; <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the embedding generator for collections whose vector properties are generated (for example from a string).</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>Gets or sets the logger factory; <see langword="null"/> logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoint, nameof(Endpoint));
        if (!Endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"ChromaVectorStoreOptions.Endpoint must be an absolute URI such as http://127.0.0.1:8000, not '{Endpoint}'.", nameof(Endpoint));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Tenant, nameof(Tenant));
        ArgumentException.ThrowIfNullOrWhiteSpace(Database, nameof(Database));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetryAttempts, nameof(MaxRetryAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
    }
}
