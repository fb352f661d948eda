using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClaudeOrchestration.Rag.Chroma;

/// <summary>Reports whether the Chroma server answers its heartbeat (and which version it runs).</summary>
public sealed class ChromaHealthCheck : IHealthCheck
{
    private readonly ChromaClient _client;

    /// <summary>Creates a health check for the server <paramref name="client"/> talks to.</summary>
    /// <param name="client">The client.</param>
    public ChromaHealthCheck(ChromaClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _ = await _client.HeartbeatAsync(cancellationToken).ConfigureAwait(false);
            var version = await _client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Chroma {version} at {_client.Endpoint}");
        }
        catch (ChromaException ex)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, ex.Message, ex);
        }
    }
}
