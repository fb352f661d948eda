using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using ClaudeOrchestration.TestUtilities;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Postgres.Tests;

/// <summary>What callers see when PostgreSQL is down, answers an error, or the call is cancelled.</summary>
public sealed class PostgresServerFailureTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Search_ServerStoppedMidTest_ThrowsExceptionNamingServerAndOperation_AndWorksAfterRestart()
    {
        using var data = new TempDirectory("co-pglite-restart-");
        await using var own = await TestServer.StartPgliteAsync(Ct, data.FullPath);
        using var store = new PostgresVectorStore(new PostgresVectorStoreOptions
        {
            ConnectionString = PostgresServerFixture.ForPort(own.Port),
            MaxRetryAttempts = 1,
            RetryDelay = TimeSpan.FromMilliseconds(10),
        });
        var collection = store.GetCollection<string, ConformanceRecord<string>>("restart_test");
        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.UpsertAsync(new ConformanceRecord<string> { Key = "a", Category = "books", Embedding = new float[] { 1, 0, 0, 0 } }, Ct);

        await own.StopAsync();
        var error = await Assert.ThrowsAsync<PostgresVectorStoreException>(
            async () => await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).ToListAsync(Ct));
        await own.StartAsync(Ct);
        var afterRestart = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).SingleAsync(Ct);

        Assert.Contains($"127.0.0.1:{own.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("'search'", error.Message, StringComparison.Ordinal);
        Assert.Contains("restart_test", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("a", afterRestart.Record.Key);
    }

    [Fact]
    public async Task AnyCall_NothingListening_ThrowsPostgresVectorStoreExceptionNotEmptyResult()
    {
        using var store = new PostgresVectorStore(new PostgresVectorStoreOptions { ConnectionString = PostgresServerFixture.ForPort(ClosedPort()), MaxRetryAttempts = 0 });

        var error = await Assert.ThrowsAsync<PostgresVectorStoreException>(async () => await store.ListCollectionNamesAsync(Ct).ToListAsync(Ct));

        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.Null(error.SqlState);
    }

    [Fact]
    public async Task Get_TableMissing_ThrowsWithSqlState()
    {
        using var store = new PostgresVectorStore(server.Options());
        var collection = store.GetCollection<string, ConformanceRecord<string>>("never_created_" + Guid.NewGuid().ToString("N")[..8]);

        var error = await Assert.ThrowsAsync<PostgresVectorStoreException>(() => collection.GetAsync("a", cancellationToken: Ct));

        Assert.Equal("42P01", error.SqlState);
        Assert.Contains("'get'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_CancelledToken_ThrowsOperationCanceled()
    {
        using var store = new PostgresVectorStore(server.Options());
        var collection = store.GetCollection<string, ConformanceRecord<string>>("cancel_test");
        await collection.EnsureCollectionExistsAsync(Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: cancelled.Token).ToListAsync(cancelled.Token));
    }

    [Fact]
    public async Task HealthCheck_RunningAndStoppedServer_ReportsHealthyThenUnhealthy()
    {
        using var up = new PostgresVectorStore(server.Options());
        using var down = new PostgresVectorStore(new PostgresVectorStoreOptions { ConnectionString = PostgresServerFixture.ForPort(ClosedPort()), MaxRetryAttempts = 0 });
        await up.GetCollection<string, ConformanceRecord<string>>("health_test").EnsureCollectionExistsAsync(Ct); // creates the extension
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("postgres", new PostgresHealthCheck(up), HealthStatus.Unhealthy, null) };

        var healthy = await new PostgresHealthCheck(up).CheckHealthAsync(context, Ct);
        var unhealthy = await new PostgresHealthCheck(down).CheckHealthAsync(context, Ct);

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Contains("pgvector", healthy.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
    }

    [Fact]
    public async Task HybridSearch_KeywordsAndVector_RanksRecordMatchingBothFirst()
    {
        using var store = new PostgresVectorStore(server.Options());
        var collection = store.GetCollection<string, HybridRecord>("hybrid_" + Guid.NewGuid().ToString("N")[..8]);
        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.UpsertAsync(
        [
            new HybridRecord { Key = "both", Text = "pgvector adds vector similarity search to PostgreSQL", Embedding = new float[] { 1, 0 } },
            new HybridRecord { Key = "vector-only", Text = "a note about gardening", Embedding = new float[] { 0.99f, 0.1f } },
            new HybridRecord { Key = "keyword-only", Text = "PostgreSQL full text search ranks documents", Embedding = new float[] { 0, 1 } },
        ], Ct);

        var results = await ((IKeywordHybridSearchable<HybridRecord>)collection)
            .HybridSearchAsync(new float[] { 1, 0 }, ["postgresql"], 3, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal("both", results[0].Record.Key);
        Assert.Equal(3, results.Count);
        Assert.True(results[0].Score > results[1].Score);
    }

    [Fact]
    public async Task Filter_ValueWithSqlSyntax_IsAParameterNotSql()
    {
        using var store = new PostgresVectorStore(server.Options());
        var collection = store.GetCollection<string, ConformanceRecord<string>>("inject_" + Guid.NewGuid().ToString("N")[..8]);
        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.UpsertAsync(new ConformanceRecord<string> { Key = "a", Category = "x", Embedding = new float[] { 1, 0, 0, 0 } }, Ct);
        var hostile = "x' OR '1'='1";

        var found = await collection.GetAsync(r => r.Category == hostile, 10, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Empty(found);
        Assert.True(await collection.CollectionExistsAsync(Ct));
    }

    public sealed class HybridRecord
    {
        [VectorStoreKey]
        public string Key { get; set; } = string.Empty;

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Text { get; set; } = string.Empty;

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
