using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClaudeOrchestration.Rag.Postgres;

/// <summary>Reports whether PostgreSQL answers and has the pgvector extension.</summary>
public sealed class PostgresHealthCheck : IHealthCheck
{
    private readonly PostgresVectorStore _store;

    /// <summary>Creates a health check for the server <paramref name="store"/> uses.</summary>
    /// <param name="store">The store.</param>
    public PostgresHealthCheck(PostgresVectorStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await _store.PingAsync(cancellationToken).ConfigureAwait(false);
            return version is null
                ? new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, $"PostgreSQL at {_store.Server} answers but has no pgvector extension.")
                : HealthCheckResult.Healthy($"PostgreSQL at {_store.Server} with pgvector {version}");
        }
        catch (PostgresVectorStoreException ex)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, ex.Message, ex);
        }
    }
}
