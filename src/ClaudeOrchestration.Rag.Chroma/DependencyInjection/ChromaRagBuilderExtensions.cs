using ClaudeOrchestration.Rag.Chroma;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.VectorData;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the RAG package on a Chroma server: <c>services.AddClaudeOrchestration().AddRag().UseChroma(o =&gt; ...)</c>.</summary>
public static class ChromaRagBuilderExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the Chroma client uses (configure it with <c>AddHttpClient(HttpClientName)</c>).</summary>
    public const string HttpClientName = "ClaudeOrchestration.Chroma";

    /// <summary>
    /// Registers <see cref="ChromaVectorStore"/> as the <see cref="VectorStore"/> (replacing the embedded default of
    /// <c>AddRag</c>), a typed <see cref="ChromaClient"/> on a named <see cref="HttpClient"/> from <c>IHttpClientFactory</c>,
    /// and <see cref="ChromaHealthCheck"/> (add it to your health checks with <c>AddCheck&lt;ChromaHealthCheck&gt;("chroma")</c>).
    /// </summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>, usually after <c>AddRag</c>.</param>
    /// <param name="configure">Sets the server address, tenant, database, token, retries and timeouts.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder UseChroma(this IClaudeOrchestrationBuilder builder, Action<ChromaVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ChromaVectorStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // The resilience pipeline times each attempt; the factory client's own 100 s limit must not cut retries short.
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(sp =>
        {
            var o = Resolve(sp);
            return new ChromaClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), o);
        });
        services.TryAddSingleton(sp => new ChromaVectorStore(sp.GetRequiredService<ChromaClient>(), Resolve(sp)));
        services.RemoveAll<VectorStore>();
        services.AddSingleton<VectorStore>(sp => sp.GetRequiredService<ChromaVectorStore>());
        services.TryAddSingleton<ChromaHealthCheck>();
        return builder;
    }

    private static ChromaVectorStoreOptions Resolve(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ChromaVectorStoreOptions>>().Value;
        options.LoggerFactory ??= services.GetService<ILoggerFactory>();
        return options;
    }
}
