using ClaudeOrchestration.Workflows.Nodes;

namespace ClaudeOrchestration.Workflows.Execution;

/// <summary>
/// Decides who runs a ready work node (<c>claude_code</c>, <c>rag_query</c>, custom types). The engine keeps the graph,
/// policies and checkpoints; a dispatcher only runs one attempt. The default runs the registered
/// <see cref="WorkflowNodeHandler"/> in this process; a distributed host sends the attempt to a worker instead.
/// </summary>
public interface IWorkflowNodeDispatcher
{
    /// <summary>Runs one attempt of a node.</summary>
    /// <param name="context">The node, its resolved inputs and its idempotency key.</param>
    /// <param name="cancellationToken">Fires when the attempt must stop.</param>
    /// <returns>What the attempt produced; throws when it failed.</returns>
    Task<WorkflowNodeResult> DispatchAsync(WorkflowNodeContext context, CancellationToken cancellationToken);
}

/// <summary>Runs node attempts in this process with the registered handlers.</summary>
public sealed class LocalWorkflowNodeDispatcher : IWorkflowNodeDispatcher
{
    private readonly Dictionary<string, WorkflowNodeHandler> _handlers;

    /// <summary>Creates the dispatcher over the handlers; a later handler for the same type replaces an earlier one.</summary>
    public LocalWorkflowNodeDispatcher(IEnumerable<WorkflowNodeHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _handlers = new(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            _handlers[handler.NodeType] = handler;
        }
    }

    /// <inheritdoc />
    public Task<WorkflowNodeResult> DispatchAsync(WorkflowNodeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _handlers.TryGetValue(context.Node.Type, out var handler)
            ? handler.ExecuteAsync(context, cancellationToken)
            : throw new WorkflowNodeException(
                $"No handler runs node type '{context.Node.Type}' (node '{context.NodePath}'); register one with AddWorkflows().AddWorkflowNodeHandler<T>().")
            { Transient = false };
    }
}

/// <summary>Workflows a <c>subworkflow</c> node can name.</summary>
public interface IWorkflowCatalog
{
    /// <summary>The workflow with the name, or <see langword="null"/>.</summary>
    WorkflowDefinitionLookup? Find(string name);

    /// <summary>Every workflow the catalog holds, by name; empty for a catalog that cannot list (the default).</summary>
    IReadOnlyList<Definitions.WorkflowDefinition> Definitions => [];
}

/// <summary>A workflow found in a catalog.</summary>
public sealed class WorkflowDefinitionLookup
{
    /// <summary>The definition.</summary>
    public required Definitions.WorkflowDefinition Definition { get; init; }
}

/// <summary>A catalog of definitions added in code or from <c>WorkflowEngineOptions.Definitions</c>.</summary>
public sealed class InMemoryWorkflowCatalog : IWorkflowCatalog
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Definitions.WorkflowDefinition> _definitions = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a definition by its name.</summary>
    public void Add(Definitions.WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definitions[definition.Name] = definition;
    }

    /// <inheritdoc />
    public IReadOnlyList<Definitions.WorkflowDefinition> Definitions => [.. _definitions.Values.OrderBy(d => d.Name, StringComparer.Ordinal)];

    /// <inheritdoc />
    public WorkflowDefinitionLookup? Find(string name) =>
        _definitions.TryGetValue(name, out var definition) ? new WorkflowDefinitionLookup { Definition = definition } : null;
}
