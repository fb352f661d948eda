#pragma warning disable MEVD9001 // ProviderServices is MEVD's documented (experimental) extension point for connectors.

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.VectorStores.Sqlite;

/// <summary>
/// A <see cref="VectorStore"/> in a single SQLite file (Microsoft.Data.Sqlite, nothing to install): records and vectors
/// persist across restarts; searches scan an in-memory copy of each collection's vectors with the same SIMD kernel as
/// <see cref="InMemory.EmbeddedMemoryVectorStore"/>.
/// </summary>
/// <remarks>
/// <para>
/// The database runs in WAL mode with <c>synchronous=NORMAL</c>: readers never block the writer, a committed batch survives
/// a crash of the process, and each <c>UpsertAsync</c>/<c>DeleteAsync</c> call is one transaction (all records or none).
/// Writes from this store are serialised in process and wait up to <see cref="EmbeddedSqliteVectorStoreOptions.BusyTimeout"/> for
/// other processes.
/// </para>
/// <para>
/// A collection's vectors are loaded into memory on its first search and then kept in sync by the writes made through this
/// store instance. Writes made by another process (or another store instance on the same file) are not seen by searches
/// until a new store instance is opened; reads by key and by filter always query the database.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class EmbeddedSqliteVectorStore : VectorStore
{
    /// <summary>The <see cref="VectorStoreMetadata.VectorStoreSystemName"/> of this store.</summary>
    public const string SystemName = "sqlite";

    private readonly string _connectionString;
    private readonly EmbeddedSqliteVectorStoreOptions _options;
    private readonly VectorStoreMetadata _metadata;
    private readonly ConcurrentDictionary<string, SqliteVectorCache> _caches = new(StringComparer.Ordinal);
    private readonly string _connectionPragmas;
    private readonly SemaphoreSlim _watchGate = new(1, 1);
    private int _fileInitialized;
    private bool _disposed;
    private SqliteConnection? _watch;
    private SqliteCommand? _lastChange;

    /// <summary>Opens (creating if needed) the database file named by <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=/var/lib/app/knowledge.db</c>.
    /// A missing parent directory is created. In-memory databases are rejected: use <see cref="InMemory.EmbeddedMemoryVectorStore"/>.</param>
    /// <param name="options">Store options; <see langword="null"/> for the defaults.</param>
    public EmbeddedSqliteVectorStore(string connectionString, EmbeddedSqliteVectorStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _options = options ?? new EmbeddedSqliteVectorStoreOptions();
        ArgumentNullException.ThrowIfNull(_options.Hnsw, nameof(options));
        _options.Hnsw.Validate();
        if (_options.BusyTimeout < TimeSpan.Zero || _options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.BusyTimeout, "BusyTimeout must be between zero and int.MaxValue milliseconds.");
        }

        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("The connection string has no Data Source; give the path of the database file, e.g. 'Data Source=knowledge.db'.", nameof(connectionString));
        }

        if (builder.Mode == SqliteOpenMode.Memory || string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal))
        {
            throw new ArgumentException("EmbeddedSqliteVectorStore persists to a file; for an in-memory store use EmbeddedMemoryVectorStore.", nameof(connectionString));
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException("EmbeddedSqliteVectorStore needs a writable database (Mode=ReadOnly is not supported).", nameof(connectionString));
        }

        builder.Pooling = true;
        DatabasePath = Path.GetFullPath(builder.DataSource);
        builder.DataSource = DatabasePath;
        _connectionString = builder.ToString();
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            _ = Directory.CreateDirectory(directory);
        }

        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(int)_options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
        Logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<EmbeddedSqliteVectorStore>();
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = SystemName, VectorStoreName = DatabasePath };
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string DatabasePath { get; }

    internal ILogger Logger { get; }

    /// <summary>Serialises this store's writers (SQLite has one writer at a time) and vector cache loads.</summary>
    internal SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <inheritdoc />
    [RequiresDynamicCode("This API is not compatible with NativeAOT. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    [RequiresUnreferencedCode("This API is not compatible with trimming. For dynamic mapping via Dictionary<string, object?>, use GetDynamicCollection() instead.")]
    public override EmbeddedSqliteCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        ValidateName(name);
        var model = EmbeddedModelBuilder.BuildPoco<TKey, TRecord>(EmbeddedModelBuilder.ForSqlite(), definition, _options.EmbeddingGenerator);
        return new EmbeddedSqliteCollection<TKey, TRecord>(this, name, model);
    }

    /// <inheritdoc />
    public override EmbeddedSqliteCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(definition);
        var model = EmbeddedModelBuilder.ForSqlite().BuildDynamic(definition, definition.EmbeddingGenerator ?? _options.EmbeddingGenerator);
        return new EmbeddedSqliteCollection<object, Dictionary<string, object?>>(this, name, model);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        using (var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await RegistryExistsAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = SqliteSql.ListCollections;
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    names.Add(reader.GetString(0));
                }
            }
        }

        foreach (var name in names)
        {
            yield return name;
        }
    }

    /// <inheritdoc />
    public override async Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await GetSignatureAsync(connection, name, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        await WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                // The keyword indexes (FTS5 virtual tables) first; their triggers go with the table.
                command.CommandText = SqliteSql.SelectKeywordIndexes;
                _ = command.Parameters.AddWithValue("@prefix", SqliteSql.KeywordIndexPrefix(name));
                var keywordIndexes = new List<string>();
                using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        keywordIndexes.Add(reader.GetString(0));
                    }
                }

                command.Parameters.Clear();
                foreach (var index in keywordIndexes)
                {
                    command.CommandText = $"DROP TABLE IF EXISTS {SqliteSql.Quote(index)};";
                    _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                command.CommandText = $"DROP TABLE IF EXISTS {SqliteSql.Quote(name)};";
                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

                // Other store objects with this collection cached reload it (and find it gone, or created again).
                _ = await LogChangesAsync(connection, transaction, name, keys: null, cancellationToken).ConfigureAwait(false);
                if (await RegistryExistsAsync(connection, cancellationToken, transaction).ConfigureAwait(false))
                {
                    command.CommandText = SqliteSql.DeleteRegistry;
                    _ = command.Parameters.AddWithValue("@name", name);
                    _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            DropCache(name);
        }
        catch (SqliteException ex)
        {
            throw Wrap(ex, name, nameof(EnsureCollectionDeletedAsync));
        }
        finally
        {
            _ = WriteGate.Release();
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            foreach (var cache in _caches.Values)
            {
                cache.Dispose();
            }

            _caches.Clear();
            _watchGate.Wait();
            try
            {
                CloseWatch();
            }
            finally
            {
                _ = _watchGate.Release();
            }

            // Release the pooled file handles so the database can be reopened, moved or deleted.
            using (var connection = new SqliteConnection(_connectionString))
            {
                SqliteConnection.ClearPool(connection);
            }

            WriteGate.Dispose();
            _watchGate.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Opens a pooled connection with the store's pragmas applied (the first one switches WAL on and creates the change log).</summary>
    internal async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = _connectionPragmas;
            _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            if (Volatile.Read(ref _fileInitialized) == 0)
            {
                // journal_mode is persistent in the file; setting it again from a racing first call is harmless.
                command.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new VectorStoreException($"Could not switch '{DatabasePath}' to WAL journal mode (got '{mode}').")
                    {
                        VectorStoreSystemName = SystemName,
                        VectorStoreName = DatabasePath,
                    };
                }

                // The change log is store-wide and older databases lack it; creating it here means every later statement can use it.
                command.CommandText = SqliteSql.CreateChangeLog;
                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _fileInitialized, 1);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal VectorStores.Hnsw.HnswIndexOptions Hnsw => _options.Hnsw;

    internal SqliteVectorCache GetCache(string name, IReadOnlyList<VectorColumnSpec> columns, IReadOnlyList<int> keywordOrdinals)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_caches.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var created = new SqliteVectorCache(columns, keywordOrdinals);
        var winner = _caches.GetOrAdd(name, created);
        if (!ReferenceEquals(winner, created))
        {
            created.Dispose();
        }

        return winner;
    }

    /// <summary>Returns the cache of <paramref name="name"/> if one exists and is loaded.</summary>
    internal SqliteVectorCache? LoadedCache(string name)
        => _caches.TryGetValue(name, out var cache) && cache.Loaded ? cache : null;

    /// <summary>
    /// Replaces the cache of <paramref name="name"/> by an empty, unloaded one (for a reload); searches still holding the old
    /// one finish on it.
    /// </summary>
    internal SqliteVectorCache ResetCache(string name, IReadOnlyList<VectorColumnSpec> columns, IReadOnlyList<int> keywordOrdinals)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var fresh = new SqliteVectorCache(columns, keywordOrdinals);
        _caches[name] = fresh;
        return fresh;
    }

    /// <summary>
    /// The newest entry of the change log, read on a connection this store keeps open with the statement prepared (every
    /// search asks: a pooled open with its pragmas would cost several times the query).
    /// </summary>
    internal async Task<long> LastChangeAsync(CancellationToken cancellationToken)
    {
        await _watchGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_lastChange is null)
            {
                _watch = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                _lastChange = _watch.CreateCommand();
                _lastChange.CommandText = SqliteSql.LastChange;
                _lastChange.Prepare();
            }

            return (long)(await _lastChange.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
        }
        catch
        {
            // Open again next time rather than keep a connection in an unknown state.
            CloseWatch();
            throw;
        }
        finally
        {
            _ = _watchGate.Release();
        }
    }

    private void CloseWatch()
    {
        _lastChange?.Dispose();
        _watch?.Dispose();
        (_lastChange, _watch) = (null, null);
    }

    /// <summary>
    /// Records in the change log, inside the write's transaction, that <paramref name="keys"/> of <paramref name="collection"/>
    /// changed (<see langword="null"/>: the whole collection), and drops the entries beyond
    /// <see cref="SqliteSql.ChangeLogCapacity"/>. Returns the newest entry before the write and the write's entry: a cache that
    /// reflected <c>Before</c> reflects <c>After</c> once it has applied the write.
    /// </summary>
    internal static async Task<(long Before, long After)> LogChangesAsync(
        SqliteConnection connection, SqliteTransaction transaction, string collection, IReadOnlyList<object>? keys, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteSql.LastChange;
        var before = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);

        // The keys as json_each gives them back to the reader: TEXT as strings (Guids included), INTEGER as numbers.
        command.CommandText = SqliteSql.InsertChange;
        _ = command.Parameters.AddWithValue("@collection", collection);
        _ = command.Parameters.AddWithValue("@keys", keys is null ? DBNull.Value : SqliteValueMapping.ToJson(keys.Select(SqliteValueMapping.ToDb)));
        var after = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;

        command.Parameters.Clear();
        command.CommandText = SqliteSql.PruneChanges;
        _ = command.Parameters.AddWithValue("@before", after - SqliteSql.ChangeLogCapacity);
        _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return (before, after);
    }

    /// <summary>Forgets the vector cache of a collection (its lock is left to the garbage collector: a search may hold it).</summary>
    internal void DropCache(string name) => _ = _caches.TryRemove(name, out _);

    internal static async Task<string?> GetSignatureAsync(SqliteConnection connection, string name, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        if (!await RegistryExistsAsync(connection, cancellationToken, transaction).ConfigureAwait(false))
        {
            return null;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteSql.SelectSignature;
        _ = command.Parameters.AddWithValue("@name", name);
        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    internal VectorStoreException Wrap(SqliteException exception, string collectionName, string operation)
    {
        var message = exception.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase)
            ? $"Collection '{collectionName}' does not exist in '{DatabasePath}'; call EnsureCollectionExistsAsync first."
            : $"SQLite operation {operation} on collection '{collectionName}' in '{DatabasePath}' failed: {exception.Message}";
        return new VectorStoreException(message, exception)
        {
            VectorStoreSystemName = SystemName,
            VectorStoreName = DatabasePath,
            CollectionName = collectionName,
            OperationName = operation,
        };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Loaded {Count} vectors of collection '{Collection}' into memory.")]
    internal static partial void LogCacheLoaded(ILogger logger, int count, string collection);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Building the keyword index of property '{Property}' for the {Count} existing records of collection '{Collection}'.")]
    internal static partial void LogKeywordIndexBuilding(ILogger logger, string property, long count, string collection);

    internal Hybrid.HybridFusionMethod HybridFusion => _options.HybridFusion;

    private static async Task<bool> RegistryExistsAsync(SqliteConnection connection, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteSql.RegistryExists;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase) || string.Equals(name, SqliteSql.RegistryTable, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{name}' is reserved by SQLite or by this store; choose another collection name.", nameof(name));
        }
    }
}
