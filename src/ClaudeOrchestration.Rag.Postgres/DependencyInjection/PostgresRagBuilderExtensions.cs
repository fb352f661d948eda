using ClaudeOrchestration.Rag.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.VectorData;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the RAG package on PostgreSQL + pgvector: <c>services.AddClaudeOrchestration().AddRag().UsePostgres(o =&gt; ...)</c>.</summary>
public static class PostgresRagBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresVectorStore"/> (with its own pooled data source for
    /// <see cref="PostgresVectorStoreOptions.ConnectionString"/>) as the <see cref="VectorStore"/>, replacing the embedded
    /// default of <c>AddRag</c>, and <see cref="PostgresHealthCheck"/> (add it with <c>AddCheck&lt;PostgresHealthCheck&gt;("postgres")</c>).
    /// </summary>
    /// <param name="builder">The builder from <c>AddClaudeOrchestration</c>, usually after <c>AddRag</c>.</param>
    /// <param name="configure">Sets the connection string, schema, index settings, retries and timeouts.</param>
    /// <returns>The same builder.</returns>
    public static IClaudeOrchestrationBuilder UsePostgres(this IClaudeOrchestrationBuilder builder, Action<PostgresVectorStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<PostgresVectorStoreOptions>().Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "PostgresVectorStoreOptions.ConnectionString is required, e.g. 'Host=127.0.0.1;Username=app;Password=...;Database=app'.")
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresVectorStoreOptions>>().Value;
            options.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            return new PostgresVectorStore(options);
        });
        services.RemoveAll<VectorStore>();
        services.AddSingleton<VectorStore>(sp => sp.GetRequiredService<PostgresVectorStore>());
        services.TryAddSingleton<PostgresHealthCheck>();
        return builder;
    }
}
