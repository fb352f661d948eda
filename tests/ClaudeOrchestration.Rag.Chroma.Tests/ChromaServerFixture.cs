using ClaudeOrchestration.Rag.Chroma;
using ClaudeOrchestration.TestUtilities;

[assembly: AssemblyFixture(typeof(ClaudeOrchestration.Rag.Chroma.Tests.ChromaServerFixture))]

namespace ClaudeOrchestration.Rag.Chroma.Tests;

/// <summary>
/// The Chroma server the tests run against: the one <c>scripts/test.sh</c> started (<c>CLAUDE_ORCHESTRATION_TEST_CHROMA_URL</c>),
/// or, when that variable is not set, one started here from the npm package in <c>tests/node</c>. There is no skip: a
/// server that cannot be reached or started fails the tests.
/// </summary>
public sealed class ChromaServerFixture : IAsyncLifetime
{
    public const string UrlVariable = "CLAUDE_ORCHESTRATION_TEST_CHROMA_URL";

    /// <summary>Chroma normalises cosine vectors: a component read back can differ in its last float32 digit (3 → 3.0000002).</summary>
    public const float CosineVectorTolerance = 1e-6f;

    private readonly TempDirectory _data = new("co-chroma-");
    private TestServer? _server;

    public Uri Endpoint { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrEmpty(url))
        {
            Endpoint = new Uri(url);
            return;
        }

        _server = await TestServer.StartChromaAsync(_data.FullPath, TestContext.Current.CancellationToken);
        Endpoint = new Uri($"http://127.0.0.1:{_server.Port}");
    }

    /// <summary>Options for a store on the test server, in a database of its own.</summary>
    public ChromaVectorStoreOptions Options(string database = "co_tests") => new()
    {
        Endpoint = Endpoint,
        Database = database,
        CreateDatabaseIfMissing = true,
    };

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _data.Dispose();
    }
}
