using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;

namespace ClaudeOrchestration.Rag.Chroma.Tests;

/// <summary>The knowledge base and the context manager, unchanged, on Chroma through <c>UseChroma</c>.</summary>
public sealed class ChromaRagIntegrationTests(ChromaServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UseChroma_ResolvesChromaStoreAndHealthCheck()
    {
        await using var provider = BuildProvider("di" + Guid.NewGuid().ToString("N")[..8]);

        Assert.IsType<ChromaVectorStore>(provider.GetRequiredService<VectorStore>());
        Assert.NotNull(provider.GetRequiredService<ChromaHealthCheck>());
        Assert.Same(provider.GetRequiredService<ChromaVectorStore>().Client, provider.GetRequiredService<ChromaClient>());
    }

    [Fact]
    public async Task KnowledgeBase_OnChroma_AddsSearchesAndDeletes()
    {
        await using var provider = BuildProvider("kb" + Guid.NewGuid().ToString("N")[..8]);
        var kb = provider.GetRequiredService<IKnowledgeBase>();

        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "pg", Text = "PostgreSQL stores rows in tables and answers SQL queries.", Project = "p", Tags = ["db"] }, Ct);
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "chroma", Text = "Chroma is a vector database that stores embeddings for similarity search.", Project = "p", Tags = ["vector"] }, Ct);
        var results = await kb.SearchAsync("vector database for embeddings and similarity search", cancellationToken: Ct);
        var stored = await kb.GetAsync("chroma", Ct);
        var deleted = await kb.DeleteAsync("pg", Ct);

        Assert.Equal("chroma", results[0].DocumentId);
        Assert.NotNull(stored);
        Assert.True(deleted);
        Assert.Null(await kb.GetAsync("pg", Ct));
    }

    [Fact]
    public async Task ContextManager_OnChroma_FindsRelevantKnowledge()
    {
        await using var provider = BuildProvider("cm" + Guid.NewGuid().ToString("N")[..8]);
        var kb = provider.GetRequiredService<IKnowledgeBase>();
        var manager = provider.GetRequiredService<IContextManager>();

        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "d", Text = "Deployments go through the blue-green pipeline on Fridays.", Project = "ops" }, Ct);
        await manager.CreateContextAsync("s", s => s.Project = "ops", Ct);
        var context = await manager.GetRelevantContextAsync("s", "how do deployments go out", Ct);

        Assert.Equal("d", Assert.Single(context.Knowledge).DocumentId);
    }

    private ServiceProvider BuildProvider(string collection)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddClaudeOrchestration()
            .AddRag(o =>
            {
                o.Storage = RagStorage.InMemory;
                o.CollectionName = collection;
            })
            .UseChroma(o =>
            {
                o.Endpoint = server.Endpoint;
                o.Database = "co_rag_tests";
                o.CreateDatabaseIfMissing = true;
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
