using ClaudeOrchestration.Rag.Postgres;
using ClaudeOrchestration.TestUtilities;
using Npgsql;

[assembly: AssemblyFixture(typeof(ClaudeOrchestration.Rag.Postgres.Tests.PostgresServerFixture))]

namespace ClaudeOrchestration.Rag.Postgres.Tests;

/// <summary>
/// The PostgreSQL + pgvector server the tests run against: the one <c>scripts/test.sh</c> started
/// (<c>CLAUDE_ORCHESTRATION_TEST_POSTGRES</c>, an Npgsql connection string), or, when that variable is not set, PGlite
/// started here from the npm packages in <c>tests/node</c>. There is no skip: a missing server fails the tests.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "CLAUDE_ORCHESTRATION_TEST_POSTGRES";

    private TestServer? _server;

    public string ConnectionString { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            ConnectionString = configured;
            return;
        }

        _server = await TestServer.StartPgliteAsync(TestContext.Current.CancellationToken);
        ConnectionString = ForPort(_server.Port);
    }

    /// <summary>A connection string for PGlite on <paramref name="port"/>: PGlite takes 32 connections and runs one query at a time.</summary>
    public static string ForPort(int port) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Password = "postgres",
        Database = "postgres",
        MaxPoolSize = 8,
        Timeout = 60,
        CommandTimeout = 120,
    }.ConnectionString;

    public PostgresVectorStoreOptions Options() => new() { ConnectionString = ConnectionString };

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
