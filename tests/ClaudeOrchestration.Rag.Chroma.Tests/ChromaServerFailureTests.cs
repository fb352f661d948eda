using System.Net;
using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using ClaudeOrchestration.TestUtilities;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Chroma.Tests;

/// <summary>What callers see when the Chroma server is down, answers an error, or the call is cancelled.</summary>
public sealed class ChromaServerFailureTests(ChromaServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Search_ServerStoppedMidTest_ThrowsChromaExceptionNamingServerAndOperation_AndWorksAfterRestart()
    {
        using var data = new TempDirectory("co-chroma-restart-");
        await using var own = await TestServer.StartChromaAsync(data.FullPath, Ct);
        var endpoint = new Uri($"http://127.0.0.1:{own.Port}");
        using var store = new ChromaVectorStore(new ChromaVectorStoreOptions { Endpoint = endpoint, MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(10) });
        var collection = store.GetCollection<string, ConformanceRecord<string>>("restart-test");
        await collection.EnsureCollectionExistsAsync(Ct);
        await collection.UpsertAsync(new ConformanceRecord<string> { Key = "a", Category = "books", Embedding = new float[] { 1, 0, 0, 0 } }, Ct);

        await own.StopAsync();
        var error = await Assert.ThrowsAsync<ChromaException>(
            async () => await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).ToListAsync(Ct));
        await own.StartAsync(Ct);
        var afterRestart = await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).SingleAsync(Ct);

        Assert.Contains(endpoint.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("'query'", error.Message, StringComparison.Ordinal);
        Assert.Contains("restart-test", error.Message, StringComparison.Ordinal);
        Assert.Null(error.StatusCode);
        Assert.Equal("query", error.OperationName);
        Assert.Equal("a", afterRestart.Record.Key);
    }

    [Fact]
    public async Task AnyCall_NothingListening_ThrowsChromaExceptionNotEmptyResult()
    {
        using var store = new ChromaVectorStore(new ChromaVectorStoreOptions { Endpoint = new Uri($"http://127.0.0.1:{ClosedPort()}"), MaxRetryAttempts = 0 });

        var error = await Assert.ThrowsAsync<ChromaException>(async () => await store.ListCollectionNamesAsync(Ct).ToListAsync(Ct));

        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("list collections", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureCollectionExists_DatabaseMissing_ThrowsChromaExceptionWithServerAnswer()
    {
        var options = server.Options("no_such_db_" + Guid.NewGuid().ToString("N")[..8]);
        options.CreateDatabaseIfMissing = false;
        using var store = new ChromaVectorStore(options);
        var collection = store.GetCollection<string, ConformanceRecord<string>>("missing-db");

        var error = await Assert.ThrowsAsync<ChromaException>(() => collection.EnsureCollectionExistsAsync(Ct));

        Assert.NotNull(error.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("create collection", error.Message, StringComparison.Ordinal);
        Assert.Contains(options.Database, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_CollectionNeverCreated_ThrowsVectorStoreExceptionNotNull()
    {
        using var store = new ChromaVectorStore(server.Options());
        var collection = store.GetCollection<string, ConformanceRecord<string>>("never-created-" + Guid.NewGuid().ToString("N")[..8]);

        var error = await Assert.ThrowsAnyAsync<VectorStoreException>(() => collection.GetAsync("a", cancellationToken: Ct));

        Assert.Contains("EnsureCollectionExistsAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_CancelledToken_ThrowsOperationCanceled()
    {
        using var store = new ChromaVectorStore(server.Options());
        var collection = store.GetCollection<string, ConformanceRecord<string>>("cancel-test");
        await collection.EnsureCollectionExistsAsync(Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: cancelled.Token).ToListAsync(cancelled.Token));
    }

    [Fact]
    public async Task HealthCheck_RunningAndStoppedServer_ReportsHealthyThenUnhealthy()
    {
        using var http = new HttpClient();
        var healthy = new ChromaHealthCheck(new ChromaClient(http, server.Options()));
        var down = new ChromaHealthCheck(new ChromaClient(http, new ChromaVectorStoreOptions { Endpoint = new Uri($"http://127.0.0.1:{ClosedPort()}"), MaxRetryAttempts = 0 }));
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("chroma", healthy, HealthStatus.Unhealthy, null) };

        var up = await healthy.CheckHealthAsync(context, Ct);
        var notUp = await down.CheckHealthAsync(context, Ct);

        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Contains("1.0.0", up.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, notUp.Status);
        Assert.Contains("could not be reached", notUp.Description, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when the listener is disposed
    }
}
