using System.Diagnostics.CodeAnalysis;
using ClaudeOrchestration.Rag;
using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.DependencyInjection;
using ClaudeOrchestration.Rag.Embeddings;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Rag.VectorStores.InMemory;
using ClaudeOrchestration.Rag.VectorStores.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.VectorData;
using Microsoft.ML.Tokenizers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the RAG package: <c>services.AddClaudeOrchestration().AddRag(o =&gt; ...)</c>.</summary>
public static class RagClaudeOrchestrationBuilderExtensions
{
    /// <summary>
    /// Registers the knowledge base (<see cref="IKnowledgeBase"/>), the context manager (<see cref="IContextManager"/>),
    /// the context store (<see cref="IAgentContextStore"/>), the idle-context expiry service, a start-up log line naming the
    /// active embedding generator, and — unless already registered —
    /// a <see cref="VectorStore"/> (SQLite under <see cref="RagOptions.DataDirectory"/>, or in-memory), the offline
    /// <see cref="HashingEmbeddingGenerator"/> as <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>, the
    /// <c>cl100k_base</c> <see cref="Tokenizer"/> and <see cref="TimeProvider.System"/>. <see cref="RagOptions"/> are
    /// validated when the host starts.
    /// </summary>
    /// <remarks>
    /// Every registration is <c>TryAdd</c>: register your own <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>
    /// (OpenAI-compatible, Ollama), <see cref="VectorStore"/> or <see cref="IAgentContextStore"/> before or after this call and
    /// yours is used. Calling <c>AddRag</c> twice registers nothing twice.
    /// </remarks>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="configure">Sets options in code, applied after configuration binding.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder AddRag(this IClaudeOrchestrationBuilder builder, Action<RagOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var optionsBuilder = builder.Services.AddOptions<RagOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        AddServices(builder.Services);
        return builder;
    }

    /// <summary>
    /// Registers the RAG package like <see cref="AddRag(IClaudeOrchestrationBuilder, Action{RagOptions}?)"/>, binding
    /// <see cref="RagOptions"/> from <paramref name="configuration"/> (for example
    /// <c>configuration.GetSection(RagOptions.SectionName)</c>).
    /// </summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="configuration">The section holding the options (<c>Storage</c>, <c>DataDirectory</c>, <c>Knowledge:ChunkSize</c>, ...).</param>
    /// <param name="configure">Sets options in code, applied after binding.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder AddRag(this IClaudeOrchestrationBuilder builder, IConfiguration configuration, Action<RagOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var optionsBuilder = builder.Services.AddOptions<RagOptions>().Bind(configuration);
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        AddServices(builder.Services);
        return builder;
    }

    private static void AddServices(IServiceCollection services)
    {
        services.AddOptions<RagOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RagOptions>, RagOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Tokenizer>(_ => RagTokenizer.Default);

        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            new HashingEmbeddingGenerator(new HashingEmbeddingGeneratorOptions { Dimensions = Options(sp).Knowledge.EmbeddingDimensions }));

        services.TryAddSingleton<VectorStore>(sp =>
        {
            var options = Options(sp);
            if (options.Storage == RagStorage.InMemory)
            {
                return new EmbeddedMemoryVectorStore();
            }

            var connectionString = new SqliteConnectionStringBuilder { DataSource = options.ResolveKnowledgeDatabasePath() }.ToString();
            return new EmbeddedSqliteVectorStore(connectionString, new EmbeddedSqliteVectorStoreOptions { LoggerFactory = sp.GetService<ILoggerFactory>() });
        });

        services.TryAddSingleton(sp =>
        {
            var options = Options(sp);
            return GetKnowledgeCollection(sp.GetRequiredService<VectorStore>(), options.CollectionName, options.Knowledge.EmbeddingDimensions);
        });

        services.TryAddSingleton<IKnowledgeBase>(sp => new KnowledgeBase(
            sp.GetRequiredService<VectorStoreCollection<string, KnowledgeChunkRecord>>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            Options(sp).Knowledge,
            sp.GetRequiredService<Tokenizer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<KnowledgeBase>>()));

        services.TryAddSingleton<IAgentContextStore>(sp =>
        {
            var options = Options(sp);
            return options.Storage == RagStorage.InMemory
                ? new InMemoryAgentContextStore()
                : new SqliteAgentContextStore(options.ResolveContextDatabasePath());
        });

        services.TryAddSingleton<IContextManager>(sp => new ContextManager(
            sp.GetRequiredService<IAgentContextStore>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<IKnowledgeBase>(),
            Options(sp).Context,
            sp.GetRequiredService<Tokenizer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ContextManager>>()));

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EmbedderStartupLog>(sp => new EmbedderStartupLog(
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<ILogger<EmbedderStartupLog>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<EmbedderStartupLog>.Instance)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AgentContextExpiryService>(sp => new AgentContextExpiryService(
            sp.GetRequiredService<IContextManager>(),
            Options(sp).Context,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<AgentContextExpiryService>>())));
    }

    private static RagOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<RagOptions>>().Value;

    // MEVD marks typed collections as unsafe for trimming/AOT because it maps arbitrary record types by reflection. Here the
    // record type is our own fixed class: the DynamicDependency keeps its public properties and constructor, which is
    // all that reflection-based mapping reads. (The embedded stores compile filters with Expression.Compile, which falls
    // back to interpretation under NativeAOT; publishing this package with NativeAOT has not been verified.)
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(KnowledgeChunkRecord))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "KnowledgeChunkRecord's members are preserved by the DynamicDependency above.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Fixed, non-generic record type with string, int, long, string[] and ReadOnlyMemory<float> properties; see the comment above.")]
    private static VectorStoreCollection<string, KnowledgeChunkRecord> GetKnowledgeCollection(VectorStore store, string name, int dimensions) =>
        store.GetCollection<string, KnowledgeChunkRecord>(name, KnowledgeChunkRecord.CreateDefinition(dimensions));
}
