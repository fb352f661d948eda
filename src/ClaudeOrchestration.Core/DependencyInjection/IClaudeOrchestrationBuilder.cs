namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddClaudeOrchestration</c>; feature packages (RAG, workflows, MCP) extend it with their own <c>Add*</c> methods.
/// </summary>
public interface IClaudeOrchestrationBuilder
{
    /// <summary>The service collection the suite registers into.</summary>
    IServiceCollection Services { get; }
}
