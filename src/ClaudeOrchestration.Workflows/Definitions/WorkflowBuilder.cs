using System.Text.Json.Nodes;
using ClaudeOrchestration.Workflows.Nodes;

namespace ClaudeOrchestration.Workflows.Definitions;

/// <summary>
/// Builds a <see cref="WorkflowDefinition"/> in code; <see cref="Build"/> validates it (unknown dependencies, cycles,
/// unknown node types, missing inputs, bad expressions and references) and throws <see cref="WorkflowValidationException"/>.
/// </summary>
/// <example>
/// <code>
/// var workflow = new WorkflowBuilder("review")
///     .Input("task")
///     .Node("generate", WorkflowNodeTypes.ClaudeCode, n => n.With("prompt", "Write ${inputs.task}"))
///     .Node("review", WorkflowNodeTypes.ClaudeCode, n => n.DependsOn("generate").With("prompt", "Review: ${nodes.generate.outputs.text}"))
///     .Output("review", "${nodes.review.outputs.text}")
///     .Build();
/// </code>
/// </example>
public sealed class WorkflowBuilder
{
    private readonly string _name;
    private readonly List<WorkflowInputDefinition> _inputs = [];
    private readonly List<WorkflowNodeBuilder> _nodes = [];
    private readonly Dictionary<string, JsonNode?> _outputs = new(StringComparer.Ordinal);
    private readonly List<WorkflowNodeHandler> _handlers = [];
    private readonly Dictionary<string, IReadOnlyList<WorkflowNodeInput>> _extraTypes = new(StringComparer.Ordinal);
    private string? _description;
    private int _version = 1;
    private WorkflowLimits? _limits;

    /// <summary>Starts a workflow with a name.</summary>
    public WorkflowBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
    }

    /// <summary>Sets the description.</summary>
    public WorkflowBuilder Description(string description)
    {
        _description = description;
        return this;
    }

    /// <summary>Sets the version. Default 1.</summary>
    public WorkflowBuilder Version(int version)
    {
        _version = version;
        return this;
    }

    /// <summary>Declares an input.</summary>
    public WorkflowBuilder Input(string name, WorkflowValueType type = WorkflowValueType.String, bool required = true, JsonNode? defaultValue = null)
    {
        _inputs.Add(new WorkflowInputDefinition { Name = name, Type = type, Required = required, Default = defaultValue });
        return this;
    }

    /// <summary>Adds a node.</summary>
    public WorkflowBuilder Node(string id, string type, Action<WorkflowNodeBuilder>? configure = null)
    {
        var node = new WorkflowNodeBuilder(id, type);
        configure?.Invoke(node);
        _nodes.Add(node);
        return this;
    }

    /// <summary>Declares a named output of the run (a value with <c>${...}</c> references).</summary>
    public WorkflowBuilder Output(string name, JsonNode? value)
    {
        _outputs[name] = value;
        return this;
    }

    /// <summary>Sets the run limits.</summary>
    public WorkflowBuilder Limits(WorkflowLimits limits)
    {
        _limits = limits;
        return this;
    }

    /// <summary>Lets the definition use the node types these handlers run (checked with their declared inputs).</summary>
    public WorkflowBuilder UseHandlers(IEnumerable<WorkflowNodeHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _handlers.AddRange(handlers);
        return this;
    }

    /// <summary>Lets the definition use a node type whose handler is not at hand (for example one a remote worker runs).</summary>
    public WorkflowBuilder AllowNodeType(string type, IReadOnlyList<WorkflowNodeInput>? inputs = null)
    {
        _extraTypes[type] = inputs ?? [];
        return this;
    }

    /// <summary>Builds and validates the definition.</summary>
    /// <exception cref="WorkflowValidationException">The definition is invalid; the errors name nodes and JSON paths.</exception>
    public WorkflowDefinition Build()
    {
        var definition = new WorkflowDefinition
        {
            Name = _name,
            Description = _description,
            Version = _version,
            Inputs = _inputs.ToList(),
            Nodes = _nodes.Select(n => n.Build()).ToList(),
            Outputs = new Dictionary<string, JsonNode?>(_outputs, StringComparer.Ordinal),
            Limits = _limits,
        };
        var errors = WorkflowValidator.Validate(definition, new NodeTypeCatalog(_handlers, _extraTypes));
        return errors.Count > 0 ? throw new WorkflowValidationException(_name, errors) : definition;
    }
}

/// <summary>Configures one node of a <see cref="WorkflowBuilder"/>.</summary>
public sealed class WorkflowNodeBuilder
{
    private readonly string _id;
    private readonly string _type;
    private readonly List<string> _dependsOn = [];
    private readonly Dictionary<string, JsonNode?> _inputs = new(StringComparer.Ordinal);
    private readonly List<WorkflowNodeBuilder> _children = [];
    private string? _name;
    private string? _when;
    private WorkflowNodePolicy? _policy;

    internal WorkflowNodeBuilder(string id, string type)
    {
        _id = id;
        _type = type;
    }

    /// <summary>Sets the display name.</summary>
    public WorkflowNodeBuilder Name(string name)
    {
        _name = name;
        return this;
    }

    /// <summary>Adds dependencies: sibling nodes that must finish first.</summary>
    public WorkflowNodeBuilder DependsOn(params string[] ids)
    {
        _dependsOn.AddRange(ids);
        return this;
    }

    /// <summary>Sets an input; strings may hold <c>${...}</c> references.</summary>
    public WorkflowNodeBuilder With(string name, JsonNode? value)
    {
        _inputs[name] = value;
        return this;
    }

    /// <summary>Skips the node unless the safe expression is true.</summary>
    public WorkflowNodeBuilder When(string condition)
    {
        _when = condition;
        return this;
    }

    /// <summary>Sets the whole policy.</summary>
    public WorkflowNodeBuilder Policy(WorkflowNodePolicy policy)
    {
        _policy = policy;
        return this;
    }

    /// <summary>Retries with exponential backoff (and jitter unless turned off).</summary>
    public WorkflowNodeBuilder Retry(int maxAttempts, TimeSpan? initialDelay = null, double backoffFactor = 2.0, TimeSpan? maxDelay = null, bool jitter = true)
    {
        var current = _policy ?? new WorkflowNodePolicy();
        _policy = new WorkflowNodePolicy
        {
            MaxAttempts = maxAttempts,
            InitialDelay = initialDelay ?? current.InitialDelay,
            BackoffFactor = backoffFactor,
            MaxDelay = maxDelay ?? current.MaxDelay,
            Jitter = jitter,
            Timeout = current.Timeout,
            OnError = current.OnError,
        };
        return this;
    }

    /// <summary>Limits how long one attempt may take.</summary>
    public WorkflowNodeBuilder Timeout(TimeSpan timeout)
    {
        var current = _policy ?? new WorkflowNodePolicy();
        _policy = Copy(current, timeout: timeout, onError: current.OnError);
        return this;
    }

    /// <summary>A failure of this node does not fail the run; its dependents are skipped.</summary>
    public WorkflowNodeBuilder ContinueOnError()
    {
        var current = _policy ?? new WorkflowNodePolicy();
        _policy = Copy(current, timeout: current.Timeout, onError: WorkflowErrorMode.Continue);
        return this;
    }

    /// <summary>Adds a child node (a branch of a parallel node, a step of a loop body or inline sub-workflow).</summary>
    public WorkflowNodeBuilder Child(string id, string type, Action<WorkflowNodeBuilder>? configure = null)
    {
        var child = new WorkflowNodeBuilder(id, type);
        configure?.Invoke(child);
        _children.Add(child);
        return this;
    }

    internal WorkflowNodeDefinition Build() => new()
    {
        Id = _id,
        Type = _type,
        Name = _name,
        DependsOn = _dependsOn.ToList(),
        Inputs = new Dictionary<string, JsonNode?>(_inputs, StringComparer.Ordinal),
        When = _when,
        Policy = _policy,
        Nodes = _children.Select(c => c.Build()).ToList(),
    };

    private static WorkflowNodePolicy Copy(WorkflowNodePolicy p, TimeSpan? timeout, WorkflowErrorMode onError) => new()
    {
        MaxAttempts = p.MaxAttempts,
        InitialDelay = p.InitialDelay,
        BackoffFactor = p.BackoffFactor,
        MaxDelay = p.MaxDelay,
        Jitter = p.Jitter,
        Timeout = timeout,
        OnError = onError,
    };
}
