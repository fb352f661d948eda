using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ClaudeOrchestration.Rag.Context;

/// <summary>
/// An <see cref="IAgentContextStore"/> in a SQLite database file, so contexts survive a restart. Several processes may share
/// the file: writes are guarded by the stored version, and the database runs in WAL mode.
/// </summary>
/// <remarks>
/// The contexts live in one table, <c>co_contexts</c>: the context as JSON, its version, and the last-access time and
/// access count in their own columns (indexed for expiry). Every operation opens a pooled connection, so the store is
/// thread-safe. Dispose it to release the pooled connections (and with them the file).
/// </remarks>
public sealed class SqliteAgentContextStore : IAgentContextStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS co_contexts (
            id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            data TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            last_accessed INTEGER NOT NULL,
            access_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS co_contexts_last_accessed ON co_contexts (last_accessed);
        """;

    private readonly string _connectionString;
    private Task? _initialized;

    /// <summary>Opens (and on first use creates) the context database at <paramref name="databasePath"/>.</summary>
    /// <param name="databasePath">The database file; its folder is created if missing.</param>
    public SqliteAgentContextStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public async Task<AgentContext?> GetAsync(string contextId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contextId);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data, last_accessed, access_count FROM co_contexts WHERE id = $id";
        command.Parameters.AddWithValue("$id", contextId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var context = JsonSerializer.Deserialize(reader.GetString(0), AgentContextJsonContext.Default.AgentContext)
            ?? throw new InvalidDataException($"Context '{contextId}' in {DatabasePath} holds no data.");
        context.LastAccessedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
        context.AccessCount = reader.GetInt64(2);
        return context;
    }

    /// <inheritdoc />
    public async Task<bool> TryCreateAsync(AgentContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO co_contexts (id, version, data, created_at, updated_at, last_accessed, access_count)
            VALUES ($id, $version, $data, $created, $updated, $accessed, $count)
            ON CONFLICT (id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$id", context.Id);
        command.Parameters.AddWithValue("$version", context.Version);
        command.Parameters.AddWithValue("$data", JsonSerializer.Serialize(context, AgentContextJsonContext.Default.AgentContext));
        command.Parameters.AddWithValue("$created", context.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$updated", context.UpdatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$accessed", context.LastAccessedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$count", context.AccessCount);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> TryUpdateAsync(AgentContext context, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE co_contexts
            SET version = $version, data = $data, updated_at = $updated, last_accessed = MAX(last_accessed, $accessed)
            WHERE id = $id AND version = $expected
            """;
        command.Parameters.AddWithValue("$id", context.Id);
        command.Parameters.AddWithValue("$expected", expectedVersion);
        command.Parameters.AddWithValue("$version", context.Version);
        command.Parameters.AddWithValue("$data", JsonSerializer.Serialize(context, AgentContextJsonContext.Default.AgentContext));
        command.Parameters.AddWithValue("$updated", context.UpdatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$accessed", context.LastAccessedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> TouchAsync(string contextId, DateTimeOffset accessedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contextId);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE co_contexts SET last_accessed = MAX(last_accessed, $accessed), access_count = access_count + 1
            WHERE id = $id
            """;
        command.Parameters.AddWithValue("$id", contextId);
        command.Parameters.AddWithValue("$accessed", accessedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string contextId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contextId);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM co_contexts WHERE id = $id";
        command.Parameters.AddWithValue("$id", contextId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM co_contexts WHERE last_accessed < $cutoff RETURNING id";
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        var ids = new List<string>();
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken = default)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM co_contexts ORDER BY id";
        var ids = new List<string>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Releases the pooled connections to the database file.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var initialized = Volatile.Read(ref _initialized);
        if (initialized is not { IsCompletedSuccessfully: true })
        {
            if (initialized is null || initialized.IsFaulted || initialized.IsCanceled)
            {
                var fresh = InitializeAsync();
                var previous = Interlocked.CompareExchange(ref _initialized, fresh, initialized);
                initialized = ReferenceEquals(previous, initialized) ? fresh : previous!;
            }

            await initialized.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task InitializeAsync()
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();

        // WAL: readers do not block the writer, and a crash never leaves a half-written context.
        command.CommandText = "PRAGMA journal_mode = WAL; " + Schema;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
