using System.Text.Json.Nodes;
using ClaudeOrchestration.Rag.Context;
using ClaudeOrchestration.Rag.Knowledge;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Workflows.Tests.Nodes;

/// <summary><c>rag_query</c> and <c>context_update</c> against Rag's real in-memory services.</summary>
public sealed class RagNodeTests
{
    [Fact]
    public async Task RagQueryAndContextUpdate_UseTheRagServices()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddClaudeOrchestration().AddRag(o => o.Storage = Rag.RagStorage.InMemory).AddWorkflows(o => o.Storage = WorkflowStorage.InMemory);
        await using var provider = services.BuildServiceProvider();
        var knowledge = provider.GetRequiredService<IKnowledgeBase>();
        await knowledge.AddOrUpdateAsync(new KnowledgeDocument { Id = "retry", Text = "Retries use exponential backoff with jitter and a maximum delay." }, ct);
        await knowledge.AddOrUpdateAsync(new KnowledgeDocument { Id = "cats", Text = "Cats sleep most of the day in warm places." }, ct);
        var engine = provider.GetRequiredService<WorkflowEngine>();
        var definition = engine.CreateBuilder("rag")
            .Node("search", WorkflowNodeTypes.RagQuery, n => n.With("query", "exponential backoff jitter").With("top", 1))
            .Node("remember", WorkflowNodeTypes.ContextUpdate, n => n.DependsOn("search").With("contextId", "agent-1").With("fact", "${nodes.search.outputs.text}"))
            .Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: ct)).Completion;

        Assert.True(result.Status == WorkflowRunStatus.Completed, result.Error);
        var hits = Assert.IsType<JsonArray>(result.Nodes["search"].Outputs!["results"]);
        Assert.Equal("retry", Assert.Single(hits)!["documentId"]!.GetValue<string>());
        Assert.Equal(1, result.Nodes["remember"].Outputs!["memories"]!.GetValue<int>());
        var context = await provider.GetRequiredService<IContextManager>().GetContextAsync("agent-1", ct);
        Assert.Contains("exponential backoff", Assert.Single(context!.Memory).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RagQuery_WithoutRag_FailsSayingWhatToRegister()
    {
        await using var engine = Engines.Create(handlers: new RagQueryNodeHandler());
        var definition = engine.CreateBuilder("norag").Node("search", WorkflowNodeTypes.RagQuery, n => n.With("query", "x")).Build();

        var result = await (await engine.StartAsync(definition, cancellationToken: TestContext.Current.CancellationToken)).Completion;

        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Contains("AddRag()", result.Error, StringComparison.Ordinal);
    }
}
