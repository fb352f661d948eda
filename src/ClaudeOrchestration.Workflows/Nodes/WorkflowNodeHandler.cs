using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Definitions;

namespace ClaudeOrchestration.Workflows.Nodes;

/// <summary>
/// Runs the nodes of one type. The extension point for node types: derive, set <see cref="NodeType"/>, declare
/// <see cref="Inputs"/> (checked when definitions are built), and register with
/// <c>AddWorkflows().AddNodeHandler&lt;T&gt;()</c>.
/// </summary>
/// <remarks>
/// A handler may run more than once for one node (a retry, or a resume after a crash before the node's checkpoint):
/// side effects should be keyed by <see cref="WorkflowNodeContext.IdempotencyKey"/>. Throw to fail the node
/// (<see cref="WorkflowNodeException"/> with <c>Transient = false</c> when a retry cannot help); never return an empty
/// result for a failure. Honour the cancellation token: it fires on cancel, timeout, deadline and fail-fast.
/// </remarks>
public abstract class WorkflowNodeHandler
{
    /// <summary>The node type this handler runs, as written in definitions (e.g. <c>dify</c>).</summary>
    public abstract string NodeType { get; }

    /// <summary>The inputs nodes of this type take. Default: none declared (any input is accepted).</summary>
    public virtual IReadOnlyList<WorkflowNodeInput> Inputs => [];

    /// <summary>Runs one attempt of a node.</summary>
    /// <param name="context">The node, its resolved inputs and the run it belongs to.</param>
    /// <param name="cancellationToken">Fires when the node must stop.</param>
    /// <returns>The node's outputs and what it spent.</returns>
    public abstract Task<WorkflowNodeResult> ExecuteAsync(WorkflowNodeContext context, CancellationToken cancellationToken);
}

/// <summary>What one node attempt produced.</summary>
public sealed class WorkflowNodeResult
{
    /// <summary>The node's outputs, read by later nodes as <c>${nodes.id.outputs.name}</c>.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Outputs { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>What the node spent on Claude, in US dollars; counted against the run's budget.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Agent turns the node used; counted against the run's budget.</summary>
    public int Turns { get; init; }

    /// <summary>A result with the given outputs.</summary>
    public static WorkflowNodeResult FromOutputs(IReadOnlyDictionary<string, JsonNode?> outputs) => new() { Outputs = outputs };
}

/// <summary>One attempt of one node: its definition, resolved inputs and the run around it.</summary>
public sealed class WorkflowNodeContext
{
    private readonly Action<string>? _onText;

    internal WorkflowNodeContext(Action<string>? onText) => _onText = onText;

    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow's name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>The node's path in the run: its id, or <c>parent/child</c> (<c>loop[2]/child</c>) for nested nodes.</summary>
    public required string NodePath { get; init; }

    /// <summary>The node's definition (inputs unresolved).</summary>
    public required WorkflowNodeDefinition Node { get; init; }

    /// <summary>The node's inputs with every <c>${...}</c> reference resolved.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> Inputs { get; init; }

    /// <summary>The attempt, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>
    /// <c>runId/nodePath</c>: the same for every attempt and after a resume, different for every node and loop iteration.
    /// Pass it to side-effecting systems so a repeated attempt is recognised.
    /// </summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The host's services.</summary>
    public required IServiceProvider Services { get; init; }

    /// <summary>Publishes a chunk of text the node produced (a <see cref="Execution.NodeTextEvent"/>).</summary>
    public void ReportText(string text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            _onText?.Invoke(text);
        }
    }

    /// <summary>A string input, or <see langword="null"/> when it is absent or null.</summary>
    public string? GetString(string name) => Inputs.TryGetValue(name, out var value) && value is not null
        ? value is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : value.ToJsonString()
        : null;

    /// <summary>A string input that must be present and non-empty.</summary>
    public string GetRequiredString(string name) => GetString(name) is { Length: > 0 } s
        ? s
        : throw new WorkflowNodeException($"Node '{NodePath}' needs the input '{name}'.") { Transient = false };

    /// <summary>An integer input, or <see langword="null"/>.</summary>
    public int? GetInt32(string name) => Inputs.TryGetValue(name, out var value) && value is JsonValue n
        && n.GetValueKind() == JsonValueKind.Number && Expressions.WorkflowTemplate.ToElement(n).TryGetInt32(out var i) ? i : null;

    /// <summary>A number input, or <see langword="null"/>.</summary>
    public decimal? GetDecimal(string name) => Inputs.TryGetValue(name, out var value) && value is JsonValue n
        && n.GetValueKind() == JsonValueKind.Number && Expressions.WorkflowTemplate.ToElement(n).TryGetDecimal(out var d) ? d : null;

    /// <summary>A boolean input, or <see langword="null"/>.</summary>
    public bool? GetBoolean(string name) => Inputs.TryGetValue(name, out var value) && value is JsonValue b
        && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? b.GetValue<bool>() : null;

    /// <summary>A list of strings input, or <see langword="null"/>.</summary>
    public IReadOnlyList<string>? GetStringList(string name) => Inputs.TryGetValue(name, out var value) && value is JsonArray array
        ? array.Select(item => item is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : item?.ToJsonString() ?? "").ToList()
        : null;
}
