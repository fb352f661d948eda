using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeOrchestration.Mcp.Tests.Server;

/// <summary>A node type that blocks until its run is cancelled, and says when it started: no Claude needed.</summary>
internal sealed class BlockingNodeHandler : WorkflowNodeHandler
{
    public const string Type = "test_block";

    private readonly TaskCompletionSource<string> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override string NodeType => Type;

    /// <summary>Completes with the run id when the node starts.</summary>
    public Task<string> Started => _started.Task;

    /// <summary>Completes with the run id when the node's token fired.</summary>
    public Task<string> Cancelled => _cancelled.Task;

    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        _started.TrySetResult(context.RunId);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        finally
        {
            _cancelled.TrySetResult(context.RunId);
        }

        return WorkflowNodeResult.FromOutputs(new Dictionary<string, JsonNode?>());
    }
}

/// <summary>The workflows the MCP tests run: only built-in control nodes and <see cref="BlockingNodeHandler"/>.</summary>
internal static class TestWorkflows
{
    public const string Greet = """
        { "name": "greet", "description": "Says hello.",
          "inputs": [ { "name": "name", "type": "String", "required": true } ],
          "nodes": [ { "id": "hello", "type": "set", "inputs": { "greeting": "Hello ${inputs.name}" } } ],
          "outputs": { "greeting": "${nodes.hello.outputs.greeting}" } }
        """;

    public const string Gated = """
        { "name": "gated",
          "nodes": [
            { "id": "prepare", "type": "set", "inputs": { "plan": "ship v2" } },
            { "id": "gate", "type": "approval", "dependsOn": [ "prepare" ], "inputs": { "message": "Ship ${nodes.prepare.outputs.plan}?" } },
            { "id": "ship", "type": "set", "dependsOn": [ "gate" ], "inputs": { "shipped": true } } ],
          "outputs": { "shipped": "${nodes.ship.outputs.shipped}" } }
        """;

    public const string Slow = """
        { "name": "slow", "nodes": [ { "id": "block", "type": "test_block" } ] }
        """;

    public static IClaudeOrchestrationBuilder AddTestWorkflows(this IClaudeOrchestrationBuilder builder)
    {
        WorkflowNodeHandler[] handlers = [new BlockingNodeHandler()];
        foreach (var json in new[] { Greet, Gated, Slow })
        {
            builder.AddWorkflowDefinition(WorkflowDefinitionJson.Parse(json, handlers));
        }

        return builder;
    }

    public static BlockingNodeHandler Blocker(this IServiceProvider services) =>
        services.GetServices<WorkflowNodeHandler>().OfType<BlockingNodeHandler>().Single();
}
