using ClaudeOrchestration.Mcp.Server;
using ClaudeOrchestration.Rag;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Tests.Server;

/// <summary>The registration: real containers, start-up validation with messages that say how to fix the setup.</summary>
public sealed class WithClaudeOrchestrationToolsTests
{
    [Fact]
    public void Resolve_AllFeaturesWithRoots_ServerOptionsCarryToolsResourcesPrompts_RegisteredOnce()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration(o => o.AllowedWorkingDirectoryRoots.Add(Path.GetTempPath()))
            .AddRag(o => o.Storage = RagStorage.InMemory)
            .AddWorkflows(o => o.Storage = ClaudeOrchestration.Workflows.Execution.WorkflowStorage.InMemory);
        services.AddMcpServer().WithClaudeOrchestrationTools().WithClaudeOrchestrationTools();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<McpServerOptions>>().Value;

        Assert.Equal(10, options.ToolCollection!.Count);
        Assert.Equal(6, options.ResourceCollection!.Count);
        Assert.Equal(7, options.PromptCollection!.Count);
        Assert.Equal(ClaudeOrchestrationMcpFeatures.All, provider.GetRequiredService<IOptions<ClaudeOrchestrationMcpOptions>>().Value.Features);
    }

    [Fact]
    public void Validate_WorkflowsWithoutAddWorkflows_FailsNamingAddWorkflows()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory);
        services.AddMcpServer().WithClaudeOrchestrationTools(o => o.Features = ClaudeOrchestrationMcpFeatures.Workflows);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClaudeOrchestrationMcpOptions>>().Value);

        Assert.Contains(".AddWorkflows()", error.Message, StringComparison.Ordinal);
        Assert.Contains("leave Workflows out of ClaudeOrchestration:Mcp:Features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WorkflowsOnly_ServerOptionsCarryWorkflowToolsAndResources()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration().AddWorkflows(o => o.Storage = ClaudeOrchestration.Workflows.Execution.WorkflowStorage.InMemory);
        services.AddMcpServer().WithClaudeOrchestrationTools(o => o.Features = ClaudeOrchestrationMcpFeatures.Workflows);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<McpServerOptions>>().Value;

        Assert.Equal(
            [ClaudeOrchestrationMcpNames.ApproveWorkflow, ClaudeOrchestrationMcpNames.CancelWorkflow, ClaudeOrchestrationMcpNames.RunWorkflow, ClaudeOrchestrationMcpNames.WorkflowStatus],
            options.ToolCollection!.Select(t => t.ProtocolTool.Name).Order(StringComparer.Ordinal));
        Assert.Equal(3, options.ResourceCollection!.Count);
    }

    [Fact]
    public void Validate_DelegationWithoutAllowedRoots_FailsWithHowToFix()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration().AddRag(o => o.Storage = RagStorage.InMemory);
        services.AddMcpServer().WithClaudeOrchestrationTools();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClaudeOrchestrationMcpOptions>>().Value);

        Assert.Contains("AllowedWorkingDirectoryRoots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KnowledgeWithoutRag_FailsNamingAddRag()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddClaudeOrchestration();
        services.AddMcpServer().WithClaudeOrchestrationTools(o =>
        {
            o.Features = ClaudeOrchestrationMcpFeatures.Knowledge;
            o.MaxQueryResults = 0;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClaudeOrchestrationMcpOptions>>().Value);

        Assert.Contains(".AddRag()", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxQueryResults must be between 1 and 1000", error.Message, StringComparison.Ordinal);
    }
}
