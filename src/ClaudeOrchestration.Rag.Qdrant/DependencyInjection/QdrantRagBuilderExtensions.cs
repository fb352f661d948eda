using ClaudeOrchestration.Rag.Qdrant;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.VectorData;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the RAG package on a Qdrant server: <c>services.AddClaudeOrchestration().AddRag().UseQdrant(o =&gt; ...)</c>.</summary>
public static class QdrantRagBuilderExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the Qdrant client uses.</summary>
    public const string HttpClientName = "ClaudeOrchestration.Qdrant";

    /// <summary>Registers <see cref="QdrantVectorStore"/> as the <see cref="VectorStore"/> (replacing the embedded default) on a typed <see cref="QdrantClient"/> from <c>IHttpClientFactory</c>.</summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>.</param>
    /// <param name="configure">Sets the endpoint, API key, retries and timeouts.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder UseQdrant(this IClaudeOrchestrationBuilder builder, Action<QdrantVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<QdrantVectorStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(sp => new QdrantClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), Resolve(sp)));
        services.TryAddSingleton(sp => new QdrantVectorStore(sp.GetRequiredService<QdrantClient>(), Resolve(sp)));
        services.RemoveAll<VectorStore>();
        services.AddSingleton<VectorStore>(sp => sp.GetRequiredService<QdrantVectorStore>());
        services.TryAddSingleton<QdrantHealthCheck>();
        return builder;
    }

    private static QdrantVectorStoreOptions Resolve(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<QdrantVectorStoreOptions>>().Value;
        options.LoggerFactory ??= services.GetService<ILoggerFactory>();
        return options;
    }
}
