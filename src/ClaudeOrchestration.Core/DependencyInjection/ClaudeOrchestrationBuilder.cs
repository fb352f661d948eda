namespace Microsoft.Extensions.DependencyInjection;

internal sealed class ClaudeOrchestrationBuilder(IServiceCollection services) : IClaudeOrchestrationBuilder
{
    public IServiceCollection Services { get; } = services;
}
