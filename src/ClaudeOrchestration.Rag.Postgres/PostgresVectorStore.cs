#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ClaudeOrchestration.Rag.Connectors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.VectorData;
using Npgsql;
using Polly;
using Polly.Timeout;

namespace ClaudeOrchestration.Rag.Postgres;

/// <summary>
/// A <see cref="VectorStore"/> on PostgreSQL with pgvector (Npgsql): one table per collection in
/// <see cref="PostgresVectorStoreOptions.Schema"/>, vectors in <c>vector(n)</c> columns with an HNSW (default) or IVFFlat
/// index, filters as parameterised SQL, and hybrid search fused with full-text rank.
/// </summary>
/// <remarks>Thread-safe. Works with any PostgreSQL that has the pgvector extension (0.5 or later for HNSW).</remarks>
public sealed partial class PostgresVectorStore : VectorStore
{
    /// <summary>The <see cref="VectorStoreMetadata.VectorStoreSystemName"/> of this store.</summary>
    public const string SystemName = "postgresql";

    private static readonly ConnectorModelRules Rules = new()
    {
        StoreName = "PostgreSQL",
        KeyTypes = new HashSet<Type> { typeof(string), typeof(Guid), typeof(int), typeof(long) },
        IsDataTypeSupported = PostgresTypes.IsSupportedDataType,
        SupportedDataTypes = PostgresTypes.SupportedDataTypes,
        DistanceFunctions =
        [
            DistanceFunction.CosineSimilarity, DistanceFunction.CosineDistance, DistanceFunction.DotProductSimilarity,
            DistanceFunction.NegativeDotProductSimilarity, DistanceFunction.EuclideanDistance, DistanceFunction.EuclideanSquaredDistance,
        ],
        IndexKinds = [IndexKind.Hnsw, IndexKind.IvfFlat, IndexKind.Flat],
    };

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly ResiliencePipeline _pipeline;
    private readonly VectorStoreMetadata _metadata;
    private readonly object _readyGate = new();
    private Task? _ready;

    /// <summary>Creates a store on <paramref name="dataSource"/>, which must have been built with <c>UseVector()</c> (Pgvector).</summary>
    /// <param name="dataSource">The data source; not disposed by the store.</param>
    /// <param name="options">Store options; <see langword="null"/> for the defaults (<see cref="PostgresVectorStoreOptions.ConnectionString"/> is ignored).</param>
    public PostgresVectorStore(NpgsqlDataSource dataSource, PostgresVectorStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        Options = options ?? new PostgresVectorStoreOptions();
        Options.Validate();
        _dataSource = dataSource;
        Logger = (Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgresVectorStore>();
        _pipeline = ConnectorResilience.Create("PostgreSQL", Options.MaxRetryAttempts, Options.RetryDelay, Options.Timeout, IsTransient, Logger);
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Server = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = SystemName, VectorStoreName = builder.Database };
    }

    /// <summary>Creates a store with its own data source for <see cref="PostgresVectorStoreOptions.ConnectionString"/>.</summary>
    /// <param name="options">Store options with a connection string.</param>
    public PostgresVectorStore(PostgresVectorStoreOptions options)
        : this(BuildDataSource(options), options)
        => _ownsDataSource = true;

    /// <summary>Gets the server as <c>host:port/database</c> (no credentials).</summary>
    public string Server { get; }

    internal PostgresVectorStoreOptions Options { get; }

    internal ILogger Logger { get; }

    /// <inheritdoc />
    [RequiresDynamicCode("This API is not compatible with NativeAOT. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    [RequiresUnreferencedCode("This API is not compatible with trimming. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    public override PostgresCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        ValidateName(name);
        var model = new ConnectorModelBuilder(Rules).BuildPoco<TKey, TRecord>(definition, Options.EmbeddingGenerator);
        return new PostgresCollection<TKey, TRecord>(this, name, model);
    }

    /// <inheritdoc />
    public override PostgresCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(definition);
        var model = new ConnectorModelBuilder(Rules).BuildDynamic(definition, definition.EmbeddingGenerator ?? Options.EmbeddingGenerator);
        return new PostgresCollection<object, Dictionary<string, object?>>(this, name, model);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var names = await RunAsync("list collections", null, async (connection, ct) =>
        {
            using var command = new NpgsqlCommand(
                "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = @schema AND udt_name = 'vector' ORDER BY table_name", connection);
            command.Parameters.AddWithValue("schema", Options.Schema);
            var result = new List<string>();
            using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add(reader.GetString(0));
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
        {
            yield return name;
        }
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        return RunAsync("collection exists", name, async (connection, ct) =>
        {
            using var command = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = @schema AND table_name = @name)", connection);
            command.Parameters.AddWithValue("schema", Options.Schema);
            command.Parameters.AddWithValue("name", name);
            return (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        return RunAsync("delete collection", name, async (connection, ct) =>
        {
            using var command = new NpgsqlCommand($"DROP TABLE IF EXISTS {Table(name)}", connection);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType == typeof(NpgsqlDataSource) ? _dataSource
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Checks that the server answers (<c>SELECT 1</c>) and reports pgvector's version.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The installed pgvector version, or <see langword="null"/> when the extension is not installed.</returns>
    public Task<string?> PingAsync(CancellationToken cancellationToken = default)
        => RunAsync("ping", null, async (connection, ct) =>
        {
            using var command = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", connection);
            return (string?)await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }, cancellationToken, ensureExtension: false);

    /// <summary>The schema-qualified, quoted table of a collection.</summary>
    internal string Table(string collection) => PostgresTypes.Quote(Options.Schema) + "." + PostgresTypes.Quote(collection);

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection inside the retry/timeout pipeline (the whole unit is retried, so
    /// it must be idempotent or transactional), and turns failures into <see cref="PostgresVectorStoreException"/>.
    /// </summary>
    internal async Task<T> RunAsync<T>(
        string operation, string? collection, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool ensureExtension = true)
    {
        try
        {
            if (ensureExtension)
            {
                await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
            }

            return await _pipeline.ExecuteAsync(
                async token =>
                {
                    var connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                    await using (connection.ConfigureAwait(false))
                    {
                        return await work(connection, token).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (PostgresVectorStoreException)
        {
            throw;
        }
        catch (TimeoutRejectedException ex)
        {
            throw Failure($"timed out after {Options.Timeout.TotalSeconds:0.###} s per attempt ({Options.MaxRetryAttempts + 1} attempts)", operation, collection, ex, null);
        }
        catch (PostgresException ex)
        {
            throw Failure($"failed: {ex.SqlState} {ex.MessageText}", operation, collection, ex, ex.SqlState);
        }
        catch (NpgsqlException ex)
        {
            throw Failure($"could not be reached or dropped the connection ({ex.Message})", operation, collection, ex, null);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsDataSource)
        {
            _dataSource.Dispose();
        }

        base.Dispose(disposing);
    }

    private static NpgsqlDataSource BuildDataSource(PostgresVectorStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException(
                "PostgresVectorStoreOptions.ConnectionString is required, e.g. 'Host=127.0.0.1;Username=app;Password=...;Database=app'.", nameof(options));
        }

        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.UseVector();
        return builder.Build();
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState is "57P01" or "57P02" or "57P03" or "40001" or "40P01" or "53300",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or System.Net.Sockets.SocketException,
        _ => false,
    };

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 63)
        {
            throw new ArgumentException($"'{name}' is longer than PostgreSQL's 63-byte identifier limit; use a shorter collection name.", nameof(name));
        }
    }

    /// <summary>Creates the pgvector extension (when allowed) once and reloads Npgsql's types so that <c>vector</c> parameters work.</summary>
    private Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        lock (_readyGate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = RunAsync("create extension vector", null, async (connection, ct) =>
                {
                    if (Options.CreateExtension)
                    {
                        using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", connection);
                        _ = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    await connection.ReloadTypesAsync(ct).ConfigureAwait(false);
                    return true;
                }, CancellationToken.None, ensureExtension: false);
            }

            return _ready.WaitAsync(cancellationToken);
        }
    }

    private PostgresVectorStoreException Failure(string what, string operation, string? collection, Exception inner, string? sqlState)
    {
        LogFailure(Logger, Server, operation, collection ?? string.Empty, inner.Message);
        return new($"PostgreSQL at {Server} {what} during '{operation}'{(collection is null ? string.Empty : $" on collection '{collection}'")}.", inner)
        {
            SqlState = sqlState,
            Server = Server,
            VectorStoreSystemName = SystemName,
            VectorStoreName = _metadata.VectorStoreName,
            CollectionName = collection,
            OperationName = operation,
        };
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "PostgreSQL at {Server} failed '{Operation}' on '{Collection}': {Error}")]
    private static partial void LogFailure(ILogger logger, string server, string operation, string collection, string error);
}
