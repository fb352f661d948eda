using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.Tests.TestSupport;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using ClaudeOrchestration.TestUtilities;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.VectorData;
using Microsoft.ML.Tokenizers;

namespace ClaudeOrchestration.Rag.Tests.DependencyInjection;

public sealed class RagServiceRegistrationTests : IDisposable
{
    private readonly TempDirectory _directory = new("co-ragkb-di-");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AddRag_Defaults_ResolvesEverythingOnSqliteUnderTheDataDirectory()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddClaudeOrchestration().AddRag(o => o.DataDirectory = _directory.FullPath);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<EmbeddedSqliteVectorStore>(provider.GetRequiredService<VectorStore>());
        Assert.IsType<SqliteAgentContextStore>(provider.GetRequiredService<IAgentContextStore>());
        Assert.IsType<HashingEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.IsType<TiktokenTokenizer>(provider.GetRequiredService<Tokenizer>());
        Assert.IsType<KnowledgeBase>(provider.GetRequiredService<IKnowledgeBase>());
        Assert.IsType<ContextManager>(provider.GetRequiredService<IContextManager>());
        Assert.Single(provider.GetServices<IHostedService>().OfType<AgentContextExpiryService>());

        var kb = provider.GetRequiredService<IKnowledgeBase>();
        var manager = provider.GetRequiredService<IContextManager>();
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Id = "d", Text = "Registered through DI and stored in SQLite.", Project = "p" }, Ct);
        await manager.CreateContextAsync("s", s => s.Project = "p", Ct);
        var context = await manager.GetRelevantContextAsync("s", "stored in SQLite through DI", Ct);

        Assert.Equal("d", Assert.Single(context.Knowledge).DocumentId);
        Assert.True(File.Exists(Path.Combine(_directory.FullPath, "knowledge.db")));
        Assert.True(File.Exists(Path.Combine(_directory.FullPath, "contexts.db")));
    }

    [Fact]
    public async Task AddRag_TwoHostsOnOneDataDirectory_EachSearchesAndAssemblesWithTheOthersKnowledge()
    {
        // Two providers on one data directory stand for two processes (e.g. two stdio MCP servers): neither restarts.
        ServiceProvider Host()
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddClaudeOrchestration().AddRag(o => o.DataDirectory = _directory.FullPath);
            return services.BuildServiceProvider();
        }

        await using var first = Host();
        await using var second = Host();
        var manager = first.GetRequiredService<IContextManager>();
        await first.GetRequiredService<IKnowledgeBase>().AddOrUpdateAsync(new KnowledgeDocument { Id = "rollout", Text = "Deployments roll out region by region." }, Ct);
        await manager.CreateContextAsync("s", _ => { }, Ct);
        var before = await manager.GetRelevantContextAsync("s", "how do canary deployments work", Ct);
        Assert.DoesNotContain(before.Knowledge, k => k.DocumentId == "canary");
        Assert.Same(before, await manager.GetRelevantContextAsync("s", "how do canary deployments work", Ct)); // cached

        await second.GetRequiredService<IKnowledgeBase>().AddOrUpdateAsync(
            new KnowledgeDocument { Id = "canary", Text = "Canary deployments send one percent of traffic to the new version first." }, Ct);

        var found = await first.GetRequiredService<IKnowledgeBase>().SearchAsync("canary deployments traffic", cancellationToken: Ct);
        Assert.Equal("canary", found[0].DocumentId);
        var after = await manager.GetRelevantContextAsync("s", "how do canary deployments work", Ct);
        Assert.Contains(after.Knowledge, k => k.DocumentId == "canary");
    }

    [Fact]
    public void AddRag_InMemory_ResolvesInMemoryStores()
    {
        var services = new ServiceCollection();
        services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory);
        using var provider = services.BuildServiceProvider(validateScopes: true);

        Assert.IsType<EmbeddedMemoryVectorStore>(provider.GetRequiredService<VectorStore>());
        Assert.IsType<InMemoryAgentContextStore>(provider.GetRequiredService<IAgentContextStore>());
    }

    [Fact]
    public void AddRag_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddClaudeOrchestration();

        builder.AddRag(o => o.Storage = RagStorage.InMemory);
        var hostedAfterFirst = services.Count(d => d.ServiceType == typeof(IHostedService));
        builder.AddRag();

        foreach (var type in new[] { typeof(IKnowledgeBase), typeof(IContextManager), typeof(IAgentContextStore), typeof(VectorStore), typeof(IEmbeddingGenerator<string, Embedding<float>>), typeof(Tokenizer) })
        {
            Assert.Single(services, d => d.ServiceType == type);
        }

        Assert.Equal(hostedAfterFirst, services.Count(d => d.ServiceType == typeof(IHostedService)));
        using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IHostedService>().OfType<AgentContextExpiryService>());
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<RagOptions>));
    }

    [Fact]
    public async Task AddRag_UserRegisteredGenerator_IsUsedByTheKnowledgeBase()
    {
        var services = new ServiceCollection();
        var custom = new CountingEmbeddingGenerator();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(custom);
        services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory);
        await using var provider = services.BuildServiceProvider();

        var kb = provider.GetRequiredService<IKnowledgeBase>();
        await kb.AddOrUpdateAsync(new KnowledgeDocument { Text = "Uses the registered generator." }, Ct);

        Assert.Same(custom, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(1, custom.Calls);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_FailsWithMessagesThatSayHowToFix()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddClaudeOrchestration().AddRag(o =>
        {
            o.Storage = RagStorage.InMemory;
            o.Knowledge.ChunkSize = 100;
            o.Knowledge.ChunkOverlap = 100;
            o.Context.IdleTimeout = TimeSpan.Zero;
            o.CollectionName = "bad name!";
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(error.Failures, f => f.Contains("ChunkOverlap is 100; it must be 0 or more and less than ChunkSize (100)", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("IdleTimeout", StringComparison.Ordinal) && f.Contains("positive", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("CollectionName", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_ValidOptions_StartsAndStopsTheExpiryService()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory);
        using var host = builder.Build();

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        Assert.Single(host.Services.GetServices<IHostedService>().OfType<AgentContextExpiryService>());
    }

    [Fact]
    public void AddRag_Configuration_BindsNestedOptions()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ClaudeOrchestration:Rag:Storage"] = "InMemory",
                ["ClaudeOrchestration:Rag:CollectionName"] = "notes",
                ["ClaudeOrchestration:Rag:Knowledge:ChunkSize"] = "256",
                ["ClaudeOrchestration:Rag:Knowledge:ChunkUnit"] = "Characters",
                ["ClaudeOrchestration:Rag:Context:IdleTimeout"] = "01:30:00",
                ["ClaudeOrchestration:Rag:Context:DefaultTokenBudget"] = "1500",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddClaudeOrchestration().AddRag(configuration.GetSection(RagOptions.SectionName), o => o.Context.MaxHistoryTurns = 7);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<RagOptions>>().Value;

        Assert.Equal(RagStorage.InMemory, options.Storage);
        Assert.Equal("notes", options.CollectionName);
        Assert.Equal((256, ChunkUnit.Characters), (options.Knowledge.ChunkSize, options.Knowledge.ChunkUnit));
        Assert.Equal(TimeSpan.FromMinutes(90), options.Context.IdleTimeout);
        Assert.Equal(1500, options.Context.DefaultTokenBudget);
        Assert.Equal(7, options.Context.MaxHistoryTurns);
        Assert.Equal(64, options.Knowledge.ChunkOverlap); // untouched default
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
