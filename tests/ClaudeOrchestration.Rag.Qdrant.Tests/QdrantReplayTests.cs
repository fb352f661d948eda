using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Qdrant.Tests;

/// <summary>
/// The Qdrant connector against scripted request/response pairs in the shapes of Qdrant's OpenAPI (collections, points,
/// query, scroll, errors). No live Qdrant: these prove the wire shapes we send and parse, not Qdrant's behaviour.
/// </summary>
public sealed class QdrantReplayTests
{
    private const string Id1 = "00000001-0007-0007-0102-030405060708";
    private const string Ok = ""","status":"ok","time":0.001}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string J(string json) => json.Replace("ID1", Id1, StringComparison.Ordinal);

    [Fact]
    public async Task Lifecycle_EnsureUpsertSearchGetDelete_SendsOpenApiShapesAndParsesAnswers()
    {
        await using var server = new QdrantReplayServer();
        server
            .Expect("GET", "/collections/docs/exists", null, 200, """{"result":{"exists":false}""" + Ok)
            .Expect("PUT", "/collections/docs", """{"vectors":{"size":4,"distance":"Cosine"}}""", 200, """{"result":true""" + Ok)
            .Expect("PUT", "/collections/docs/points?wait=true",
                J("""{"points":[{"id":"ID1","vector":[1,0,0,0],"payload":{"Category":"books","Rating":5,"Tags":["sf","classic"],"Title":null}}]}"""),
                200, """{"result":{"operation_id":0,"status":"completed"}""" + Ok)
            .Expect("POST", "/collections/docs/points/query",
                """{"query":[1,0,0,0],"limit":2,"offset":0,"with_payload":true,"with_vector":false,"filter":{"must":[{"must":[{"key":"Category","match":{"value":"books"}}]},{"must":[{"key":"Rating","range":{"gte":4}}]}]}}""",
                200, J("""{"result":{"points":[{"id":"ID1","version":3,"score":0.99,"payload":{"Category":"books","Rating":5,"Tags":["sf","classic"],"Title":null}}]}""") + Ok)
            .Expect("POST", "/collections/docs/points", J("""{"ids":["ID1"],"with_payload":true,"with_vector":true}"""),
                200, J("""{"result":[{"id":"ID1","payload":{"Category":"books","Rating":5,"Tags":["sf","classic"],"Title":null},"vector":[1,0,0,0]}]""") + Ok)
            .Expect("POST", "/collections/docs/points/scroll",
                """{"limit":10,"with_payload":true,"with_vector":false,"filter":{"must":[{"key":"Tags","match":{"value":"classic"}}]}}""",
                200, J("""{"result":{"points":[{"id":"ID1","payload":{"Category":"books","Rating":5,"Tags":["sf","classic"]}}],"next_page_offset":null}""") + Ok)
            .Expect("POST", "/collections/docs/points/delete?wait=true", J("""{"points":["ID1"]}"""), 200, """{"result":{"operation_id":1,"status":"completed"}""" + Ok);
        using var store = new QdrantVectorStore(new QdrantVectorStoreOptions { Endpoint = server.Endpoint, MaxRetryAttempts = 0 });
        var docs = store.GetCollection<Guid, Doc>("docs");

        await docs.EnsureCollectionExistsAsync(Ct);
        await docs.UpsertAsync(new Doc { Id = Guid.Parse(Id1), Category = "books", Rating = 5, Tags = ["sf", "classic"], Embedding = new float[] { 1, 0, 0, 0 } }, Ct);
        var hit = await docs.SearchAsync(new float[] { 1, 0, 0, 0 }, 2, new VectorSearchOptions<Doc> { Filter = d => d.Category == "books" && d.Rating >= 4 }, Ct).SingleAsync(Ct);
        var got = await docs.GetAsync(Guid.Parse(Id1), new RecordRetrievalOptions { IncludeVectors = true }, Ct);
        var tagged = await docs.GetAsync(d => d.Tags.Contains("classic"), 10, cancellationToken: Ct).ToListAsync(Ct);
        await docs.DeleteAsync(Guid.Parse(Id1), Ct);

        Assert.Empty(server.Mismatches);
        Assert.Equal(0, server.Remaining);
        Assert.Equal(0.99, hit.Score!.Value, 1e-9);
        Assert.Equal(["sf", "classic"], hit.Record.Tags);
        Assert.Null(hit.Record.Title);
        Assert.Equal([1f, 0f, 0f, 0f], got!.Embedding.ToArray());
        Assert.Equal(Guid.Parse(Id1), Assert.Single(tagged).Id);
    }

    [Fact]
    public async Task Query_ServerAnswers404_ThrowsQdrantExceptionWithServerOperationAndMessage()
    {
        await using var server = new QdrantReplayServer();
        server.Expect("POST", "/collections/missing/points/query", null, 404, """{"status":{"error":"Not found: Collection `missing` doesn't exist!"},"time":0.0001}""");
        using var store = new QdrantVectorStore(new QdrantVectorStoreOptions { Endpoint = server.Endpoint, MaxRetryAttempts = 0 });

        var error = await Assert.ThrowsAsync<QdrantException>(
            async () => await store.GetCollection<Guid, Doc>("missing").SearchAsync(new float[] { 1, 0, 0, 0 }, 1, cancellationToken: Ct).ToListAsync(Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains(server.Endpoint.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("'query points'", error.Message, StringComparison.Ordinal);
        Assert.Contains("doesn't exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exists_ServiceUnavailableOnce_IsRetried()
    {
        await using var server = new QdrantReplayServer();
        server
            .Expect("GET", "/collections/docs/exists", null, 503, """{"status":{"error":"Service Unavailable"},"time":0.0}""")
            .Expect("GET", "/collections/docs/exists", null, 200, """{"result":{"exists":true}""" + Ok);
        using var store = new QdrantVectorStore(new QdrantVectorStoreOptions { Endpoint = server.Endpoint, MaxRetryAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(1) });

        Assert.True(await store.CollectionExistsAsync("docs", Ct));
        Assert.Equal(0, server.Remaining);
    }

    [Fact]
    public async Task AnyCall_NothingListening_ThrowsQdrantException()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var store = new QdrantVectorStore(new QdrantVectorStoreOptions { Endpoint = new Uri($"http://127.0.0.1:{port}"), MaxRetryAttempts = 0 });

        var error = await Assert.ThrowsAsync<QdrantException>(async () => await store.ListCollectionNamesAsync(Ct).ToListAsync(Ct));

        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task UseQdrant_ResolvesStoreAndHealthyHealthCheck()
    {
        await using var server = new QdrantReplayServer();
        server.Expect("GET", "/collections", null, 200, """{"result":{"collections":[{"name":"docs"}]}""" + Ok);
        var services = new ServiceCollection();
        services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory).UseQdrant(o => o.Endpoint = server.Endpoint);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<QdrantVectorStore>(provider.GetRequiredService<VectorStore>());
        var health = await provider.GetRequiredService<QdrantHealthCheck>().CheckHealthAsync(new HealthCheckContext(), Ct);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Empty(server.Mismatches);
    }

    public sealed class Doc
    {
        [VectorStoreKey]
        public Guid Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public string Category { get; set; } = string.Empty;

        [VectorStoreData]
        public int Rating { get; set; }

        [VectorStoreData]
        public string[] Tags { get; set; } = [];

        [VectorStoreData]
        public string? Title { get; set; }

        [VectorStoreVector(4, DistanceFunction = DistanceFunction.CosineSimilarity)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }
}
