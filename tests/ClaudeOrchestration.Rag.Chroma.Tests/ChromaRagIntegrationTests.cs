using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Chroma.Tests;

/// <summary>The knowledge base and the context manager, unchanged, on Chroma through <c>UseChroma</c>.</summary>
public sealed class ChromaRagIntegrationTests(ChromaServerFixture server) : RagOnStoreTests
{
    protected override void UseStore(IClaudeOrchestrationBuilder builder) => builder.UseChroma(o =>
    {
        o.Endpoint = server.Endpoint;
        o.Database = "co_rag_tests";
        o.CreateDatabaseIfMissing = true;
    });

    protected override void AssertStoreRegistered(IServiceProvider provider)
    {
        Assert.IsType<ChromaVectorStore>(provider.GetRequiredService<VectorStore>());
        Assert.NotNull(provider.GetRequiredService<ChromaHealthCheck>());
        Assert.Same(provider.GetRequiredService<ChromaVectorStore>().Client, provider.GetRequiredService<ChromaClient>());
    }
}
