using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Rag.Tests.VectorStores.Conformance;

/// <summary>
/// The knowledge base and the context manager, unchanged, on a connector's store: a connector's test project derives
/// from this and says how its store is registered and what a resolved provider must hold.
/// </summary>
public abstract class RagOnStoreTests
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Registers the connector's store on the builder <c>AddRag</c> returned (e.g. <c>UseChroma</c>).</summary>
    protected abstract void UseStore(IClaudeOrchestrationBuilder builder);

    /// <summary>Checks that the provider resolves the connector's store and its health check.</summary>
    protected abstract void AssertStoreRegistered(IServiceProvider provider);

    [Fact]
    public async Task Registration_ResolvesTheStoreAndItsHealthCheck()
    {
        await using var provider = BuildProvider("di" + Guid.NewGuid().ToString("N")[..8]);

        AssertStoreRegistered(provider);
    }

    [Fact]
    public async Task KnowledgeBase_AddsSearchesAndDeletes()
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
    public async Task ContextManager_FindsRelevantKnowledge()
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
        UseStore(services.AddClaudeOrchestration().AddRag(o =>
        {
            o.Storage = RagStorage.InMemory;
            o.CollectionName = collection;
        }));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
