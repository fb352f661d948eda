using System.Text.Json;
using ClaudeOrchestration.Workflows.Execution;
using Microsoft.Data.Sqlite;

namespace ClaudeOrchestration.Workflows.Persistence;

/// <summary>
/// A run store in one SQLite file (WAL journal). The default store: checkpoints survive a crash of the host process.
/// </summary>
/// <remarks>
/// One connection serialises this instance's writes; several processes may share the file (SQLite locks it), and
/// <see cref="TryClaimRunAsync"/> keeps their engines from executing one run twice at once.
/// <c>synchronous=NORMAL</c> in WAL mode keeps every committed checkpoint through a process crash; a power loss may
/// lose the last few, which a resume then re-runs (the at-least-once contract already allows that).
/// </remarks>
public sealed class SqliteWorkflowRunStore : IWorkflowRunStore, IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private bool _disposed;

    /// <summary>Uses (and creates if needed) the database file at <paramref name="databasePath"/>.</summary>
    public SqliteWorkflowRunStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public Task CreateRunAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO runs (run_id, status, created_at, json) VALUES ($id, $status, $created, $json)";
            AddRun(command, run);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
            {
                throw new WorkflowException($"A run with id '{run.RunId}' exists.", ex);
            }

            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task UpdateRunAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO runs (run_id, status, created_at, json) VALUES ($id, $status, $created, $json) "
                + "ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, created_at = excluded.created_at, json = excluded.json "
                + "WHERE runs.status <> 'Cancelled'";
            AddRun(command, run);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WorkflowRunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT json FROM runs WHERE run_id = $id";
            command.Parameters.AddWithValue("$id", runId);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
                ? JsonSerializer.Deserialize(json, WorkflowStateJsonContext.Default.WorkflowRunRecord)
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<WorkflowRunPage> ListRunsAsync(WorkflowRunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new WorkflowRunQuery();
        var after = RunPaging.Validate(query);
        return ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            // SQLite orders text with memcmp (BINARY): the same order as string.CompareOrdinal for the ASCII ids runs use.
            command.CommandText = "SELECT json FROM runs WHERE ($status IS NULL OR status = $status)"
                + " AND ($created IS NULL OR created_at < $created OR (created_at = $created AND run_id < $id))"
                + " ORDER BY created_at DESC, run_id DESC LIMIT $limit";
            command.Parameters.AddWithValue("$status", (object?)query.Status?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("$created", after is { } a ? a.CreatedTicks : DBNull.Value);
            command.Parameters.AddWithValue("$id", (object?)after?.RunId ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", query.PageSize + 1);
            var runs = new List<WorkflowRunRecord>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs.Add(JsonSerializer.Deserialize(reader.GetString(0), WorkflowStateJsonContext.Default.WorkflowRunRecord)!);
            }

            return RunPaging.Page(runs, query.PageSize);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveNodeAsync(string runId, WorkflowNodeRecord node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var json = JsonSerializer.Serialize(node, WorkflowStateJsonContext.Default.WorkflowNodeRecord);
        return ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO nodes (run_id, node_path, json) VALUES ($id, $path, $json)";
            command.Parameters.AddWithValue("$id", runId);
            command.Parameters.AddWithValue("$path", node.NodePath);
            command.Parameters.AddWithValue("$json", json);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowNodeRecord>> GetNodesAsync(string runId, CancellationToken cancellationToken = default) =>
        ExecuteAsync<IReadOnlyList<WorkflowNodeRecord>>(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT json FROM nodes WHERE run_id = $id";
            command.Parameters.AddWithValue("$id", runId);
            var nodes = new List<WorkflowNodeRecord>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                nodes.Add(JsonSerializer.Deserialize(reader.GetString(0), WorkflowStateJsonContext.Default.WorkflowNodeRecord)!);
            }

            return nodes;
        }, cancellationToken);

    /// <inheritdoc />
    public Task SaveApprovalAsync(WorkflowApprovalRecord approval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var json = JsonSerializer.Serialize(approval, WorkflowStateJsonContext.Default.WorkflowApprovalRecord);
        return ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO approvals (run_id, node_path, pending, json) VALUES ($id, $path, $pending, $json)";
            command.Parameters.AddWithValue("$id", approval.RunId);
            command.Parameters.AddWithValue("$path", approval.NodePath);
            command.Parameters.AddWithValue("$pending", approval.Decision is null ? 1 : 0);
            command.Parameters.AddWithValue("$json", json);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WorkflowApprovalRecord?> GetApprovalAsync(string runId, string nodePath, CancellationToken cancellationToken = default) =>
        ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT json FROM approvals WHERE run_id = $id AND node_path = $path";
            command.Parameters.AddWithValue("$id", runId);
            command.Parameters.AddWithValue("$path", nodePath);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
                ? JsonSerializer.Deserialize(json, WorkflowStateJsonContext.Default.WorkflowApprovalRecord)
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowApprovalRecord>> GetPendingApprovalsAsync(string? runId = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync<IReadOnlyList<WorkflowApprovalRecord>>(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = runId is null
                ? "SELECT json FROM approvals WHERE pending = 1"
                : "SELECT json FROM approvals WHERE pending = 1 AND run_id = $id";
            command.Parameters.AddWithValue("$id", runId ?? "");
            var approvals = new List<WorkflowApprovalRecord>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                approvals.Add(JsonSerializer.Deserialize(reader.GetString(0), WorkflowStateJsonContext.Default.WorkflowApprovalRecord)!);
            }

            return approvals.OrderBy(a => a.RequestedAt).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One statement, so two processes claiming at once cannot both win: SQLite serialises the writes.</remarks>
    public Task<bool> TryClaimRunAsync(string runId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO run_claims (run_id, owner, expires_at) VALUES ($id, $owner, $until) "
                + "ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at "
                + "WHERE run_claims.owner = excluded.owner OR run_claims.expires_at < $now";
            command.Parameters.AddWithValue("$id", runId);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$until", until.UtcTicks);
            command.Parameters.AddWithValue("$now", now.UtcTicks);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseRunAsync(string runId, string owner, CancellationToken cancellationToken = default) =>
        ExecuteAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM run_claims WHERE run_id = $id AND owner = $owner";
            command.Parameters.AddWithValue("$id", runId);
            command.Parameters.AddWithValue("$owner", owner);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static void AddRun(SqliteCommand command, WorkflowRunRecord run)
    {
        command.Parameters.AddWithValue("$id", run.RunId);
        command.Parameters.AddWithValue("$status", run.Status.ToString());
        command.Parameters.AddWithValue("$created", run.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$json", JsonSerializer.Serialize(run, WorkflowStateJsonContext.Default.WorkflowRunRecord));
    }

    private async Task<T> ExecuteAsync<T>(Func<SqliteConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await action(_connection ?? await OpenAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                PRAGMA busy_timeout = 30000;
                CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at INTEGER NOT NULL, json TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS nodes (run_id TEXT NOT NULL, node_path TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (run_id, node_path));
                CREATE TABLE IF NOT EXISTS approvals (run_id TEXT NOT NULL, node_path TEXT NOT NULL, pending INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (run_id, node_path));
                CREATE INDEX IF NOT EXISTS approvals_pending ON approvals (pending);
                CREATE INDEX IF NOT EXISTS runs_created ON runs (created_at DESC, run_id DESC);
                CREATE TABLE IF NOT EXISTS run_claims (run_id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _connection = connection;
        return connection;
    }
}
