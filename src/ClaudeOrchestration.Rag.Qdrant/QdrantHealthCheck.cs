using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClaudeOrchestration.Rag.Qdrant;

/// <summary>Reports whether the Qdrant server answers <c>GET /collections</c>.</summary>
public sealed class QdrantHealthCheck : IHealthCheck
{
    private readonly QdrantVectorStore _store;

    /// <summary>Creates a health check for the server <paramref name="store"/> talks to.</summary>
    /// <param name="store">The store.</param>
    public QdrantHealthCheck(QdrantVectorStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var count = 0;
            await foreach (var _ in _store.ListCollectionNamesAsync(cancellationToken).ConfigureAwait(false))
            {
                count++;
            }

            return HealthCheckResult.Healthy($"Qdrant at {_store.Client.Endpoint} ({count} collections)");
        }
        catch (QdrantException ex)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, ex.Message, ex);
        }
    }
}
