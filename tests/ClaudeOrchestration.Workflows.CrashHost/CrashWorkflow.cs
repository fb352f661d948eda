using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Nodes;

namespace ClaudeOrchestration.Workflows.CrashHost;

/// <summary>The workflow the crash test runs: two side effects, a gate the host is killed at, a final side effect.</summary>
public static class CrashWorkflow
{
    public static WorkflowDefinition Definition { get; } = new WorkflowBuilder("crash-test")
        .UseHandlers([new SideEffectHandler("."), new GateHandler(".", block: true)])
        .Node("a", "side_effect", n => n.With("value", "A"))
        .Node("b", "side_effect", n => n.DependsOn("a").With("value", "${nodes.a.outputs.value}B"))
        .Node("gate", "gate", n => n.DependsOn("b"))
        .Node("c", "side_effect", n => n.DependsOn("gate").With("value", "${nodes.b.outputs.value}C"))
        .Output("value", "${nodes.c.outputs.value}")
        .Build();
}

/// <summary>"side_effect": appends its idempotency key to <c>{node}.count</c> in the signal directory — one line per execution.</summary>
public sealed class SideEffectHandler(string directory) : WorkflowNodeHandler
{
    public override string NodeType => "side_effect";

    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        await File.AppendAllTextAsync(Path.Combine(directory, context.NodePath + ".count"), context.IdempotencyKey + "\n", cancellationToken);
        return WorkflowNodeResult.FromOutputs(new Dictionary<string, JsonNode?> { ["value"] = context.GetString("value") });
    }
}

/// <summary>"gate": writes <c>gate.started</c>; when blocking, then waits until the process is killed.</summary>
public sealed class GateHandler(string directory, bool block) : WorkflowNodeHandler
{
    public override string NodeType => "gate";

    public override async Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        await File.AppendAllTextAsync(Path.Combine(directory, "gate.started"), context.RunId + "\n", cancellationToken);
        if (block)
        {
            // The crash test waits for this line on stdout, then kills the process.
            await Console.Out.WriteLineAsync("gate-started");
            await Console.Out.FlushAsync(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return WorkflowNodeResult.FromOutputs(new Dictionary<string, JsonNode?> { ["passed"] = true });
    }
}
