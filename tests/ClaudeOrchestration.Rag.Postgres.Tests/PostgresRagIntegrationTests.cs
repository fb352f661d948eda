using ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Postgres.Tests;

/// <summary>The knowledge base and the context manager, unchanged, on Postgres through <c>UsePostgres</c>.</summary>
public sealed class PostgresRagIntegrationTests(PostgresServerFixture server) : RagOnStoreTests
{
    protected override void UseStore(IClaudeOrchestrationBuilder builder) => builder.UsePostgres(o => o.ConnectionString = server.ConnectionString);

    protected override void AssertStoreRegistered(IServiceProvider provider)
    {
        Assert.IsType<PostgresVectorStore>(provider.GetRequiredService<VectorStore>());
        Assert.NotNull(provider.GetRequiredService<PostgresHealthCheck>());
    }
}
