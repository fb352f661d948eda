using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClaudeOrchestration.Cli;

/// <summary>Reports whether the claude CLI is present and recent enough, with its path and version.</summary>
public sealed class ClaudeCliHealthCheck : IHealthCheck
{
    private readonly ClaudeCliDiscovery _discovery;

    internal ClaudeCliHealthCheck(ClaudeCliDiscovery discovery) => _discovery = discovery;

    /// <summary>The name the check is registered under.</summary>
    public const string Name = "claude-cli";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var cli = await _discovery.ResolveAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(
                $"claude CLI {cli.Version?.ToString() ?? "(version unchecked)"} at {cli.Path}",
                new Dictionary<string, object> { ["path"] = cli.Path, ["version"] = cli.Version?.ToString() ?? "unchecked" });
        }
        catch (ClaudeException ex)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, ex.Message, ex);
        }
    }
}
