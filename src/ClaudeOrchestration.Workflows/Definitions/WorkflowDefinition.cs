using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Workflows.Definitions;

/// <summary>
/// A workflow: named inputs, a graph of nodes connected by <see cref="WorkflowNodeDefinition.DependsOn"/>, and named outputs.
/// Build one with <see cref="WorkflowBuilder"/> or load one from JSON with <see cref="WorkflowDefinitionJson"/>; both validate it.
/// </summary>
/// <remarks>
/// Properties whose default is not the type's zero value are <c>set</c>, not <c>init</c>: the JSON source generator
/// assigns every init-only property, so an absent <c>maxAttempts</c> would become 0 instead of 1.
/// A definition is plain data: it serializes to JSON, is stored with every run, and names handlers by type only.</remarks>
public sealed class WorkflowDefinition
{
    /// <summary>The workflow's name (letters, digits, <c>_</c>, <c>-</c>, <c>.</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What the workflow does.</summary>
    public string? Description { get; init; }

    /// <summary>The definition's version; stored with each run. Default 1.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The inputs a run takes; validated when a run starts.</summary>
    public IReadOnlyList<WorkflowInputDefinition> Inputs { get; init => field = value ?? []; } = [];

    /// <summary>The nodes, in any order.</summary>
    public required IReadOnlyList<WorkflowNodeDefinition> Nodes { get; init; }

    /// <summary>Named outputs of the run: templates such as <c>${nodes.review.outputs.text}</c>.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Outputs { get; init => field = value ?? new Dictionary<string, JsonNode?>(); } = new Dictionary<string, JsonNode?>();

    /// <summary>Per-run limits (concurrency, deadline, budget); <see langword="null"/> uses the engine's defaults.</summary>
    public WorkflowLimits? Limits { get; init; }
}

/// <summary>An input a run takes.</summary>
public sealed class WorkflowInputDefinition
{
    /// <summary>The input's name, referenced as <c>${inputs.name}</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The input's type; values are checked against it when a run starts. Default <see cref="WorkflowValueType.String"/>.</summary>
    public WorkflowValueType Type { get; set; } = WorkflowValueType.String;

    /// <summary>Whether a run must supply the input (unless it has a <see cref="Default"/>). Default <see langword="true"/>.</summary>
    public bool Required { get; set; } = true;

    /// <summary>The value used when a run does not supply one.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>What the input means.</summary>
    public string? Description { get; init; }
}

/// <summary>The JSON types inputs and outputs are checked against.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowValueType>))]
public enum WorkflowValueType
{
    /// <summary>Any JSON value.</summary>
    Any,

    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON number.</summary>
    Number,

    /// <summary>A JSON number without a fraction.</summary>
    Integer,

    /// <summary><see langword="true"/> or <see langword="false"/>.</summary>
    Boolean,

    /// <summary>A JSON object.</summary>
    Object,

    /// <summary>A JSON array.</summary>
    Array,
}

/// <summary>One node of a workflow.</summary>
public sealed class WorkflowNodeDefinition
{
    /// <summary>The node's id, unique among its siblings (letters, digits, <c>_</c>, <c>-</c>); referenced as <c>${nodes.id.outputs.name}</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The node type: a built-in (<see cref="WorkflowNodeTypes"/>) or a type a host registered with a <c>WorkflowNodeHandler</c>.</summary>
    public required string Type { get; init; }

    /// <summary>A display name for graphs and events.</summary>
    public string? Name { get; init; }

    /// <summary>Ids of sibling nodes that must finish before this one starts.</summary>
    public IReadOnlyList<string> DependsOn { get; init => field = value ?? []; } = [];

    /// <summary>The node's inputs; string values may hold <c>${...}</c> references resolved when the node starts.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Inputs { get; init => field = value ?? new Dictionary<string, JsonNode?>(); } = new Dictionary<string, JsonNode?>();

    /// <summary>A safe expression; when it is false the node is skipped (for example <c>[inputs.deploy] == true</c>).</summary>
    public string? When { get; init; }

    /// <summary>Retry, timeout and error handling; <see langword="null"/> uses the engine's default policy.</summary>
    public WorkflowNodePolicy? Policy { get; init; }

    /// <summary>Child nodes: the branches of a <c>parallel</c> node, the body of a <c>loop</c>, the graph of an inline <c>subworkflow</c>.</summary>
    public IReadOnlyList<WorkflowNodeDefinition> Nodes { get; init => field = value ?? []; } = [];
}

/// <summary>Retry, timeout and error handling for one node.</summary>
public sealed class WorkflowNodePolicy
{
    /// <summary>Attempts in all, including the first. Default 1 (no retry).</summary>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>The delay before the first retry; later ones grow by <see cref="BackoffFactor"/>. Default 1 second.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The factor each retry delay grows by (exponential backoff). Default 2.</summary>
    public double BackoffFactor { get; set; } = 2.0;

    /// <summary>The longest delay between attempts. Default 1 minute.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether retry delays are randomised (decorrelated jitter). Default <see langword="true"/>.</summary>
    public bool Jitter { get; set; } = true;

    /// <summary>How long one attempt may take; <see langword="null"/> for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>What a failure (after the last attempt) does to the run. Default <see cref="WorkflowErrorMode.FailFast"/>.</summary>
    public WorkflowErrorMode OnError { get; init; } = WorkflowErrorMode.FailFast;
}

/// <summary>What a node's failure does to its run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowErrorMode>))]
public enum WorkflowErrorMode
{
    /// <summary>The run fails: running nodes are cancelled and nothing else starts.</summary>
    FailFast,

    /// <summary>The node is recorded as failed and the run goes on; nodes that depend on it are skipped.</summary>
    Continue,
}

/// <summary>Limits on one run.</summary>
public sealed class WorkflowLimits
{
    /// <summary>How many nodes may run at once; <see langword="null"/> uses the engine's default.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>How long the whole run may take (including time paused for approval); <see langword="null"/> for no deadline.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>The most the run may spend on Claude, in US dollars; the run fails when a node pushes it over.</summary>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>The most agent turns the run may use; the run fails when a node pushes it over.</summary>
    public int? MaxTurns { get; init; }
}
