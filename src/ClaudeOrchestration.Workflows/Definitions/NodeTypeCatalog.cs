using System.Diagnostics.CodeAnalysis;
using ClaudeOrchestration.Workflows.Nodes;

namespace ClaudeOrchestration.Workflows.Definitions;

/// <summary>The node types a definition may use and the inputs each takes.</summary>
internal sealed class NodeTypeCatalog
{
    private static readonly Dictionary<string, IReadOnlyList<WorkflowNodeInput>> BuiltIns = new(StringComparer.Ordinal)
    {
        [WorkflowNodeTypes.ClaudeCode] = ClaudeCodeNodeHandler.InputSpecs,
        [WorkflowNodeTypes.RagQuery] = RagQueryNodeHandler.InputSpecs,
        [WorkflowNodeTypes.ContextUpdate] = ContextUpdateNodeHandler.InputSpecs,
        [WorkflowNodeTypes.Dify] = DifyNodeHandler.InputSpecs,
        [WorkflowNodeTypes.Set] = [],
        [WorkflowNodeTypes.Parallel] =
        [
            WorkflowNodeInput.Optional("mode", WorkflowValueType.String),
            WorkflowNodeInput.Optional("count", WorkflowValueType.Integer),
        ],
        [WorkflowNodeTypes.Conditional] =
        [
            new() { Name = "condition", Type = WorkflowValueType.String, Required = true, IsExpression = true },
            WorkflowNodeInput.Optional("then", WorkflowValueType.Array),
            WorkflowNodeInput.Optional("else", WorkflowValueType.Array),
        ],
        [WorkflowNodeTypes.Loop] =
        [
            WorkflowNodeInput.Optional("items", WorkflowValueType.Array),
            new() { Name = "while", Type = WorkflowValueType.String, IsExpression = true },
            WorkflowNodeInput.Optional("maxIterations", WorkflowValueType.Integer),
        ],
        [WorkflowNodeTypes.SubWorkflow] =
        [
            WorkflowNodeInput.Optional("workflow", WorkflowValueType.String),
            WorkflowNodeInput.Optional("inputs", WorkflowValueType.Object),
        ],
        [WorkflowNodeTypes.Approval] =
        [
            WorkflowNodeInput.Optional("message", WorkflowValueType.String),
            WorkflowNodeInput.Optional("timeout", WorkflowValueType.String),
            WorkflowNodeInput.Optional("failOnReject", WorkflowValueType.Boolean),
        ],
    };

    private readonly Dictionary<string, IReadOnlyList<WorkflowNodeInput>> _types;

    public NodeTypeCatalog(IEnumerable<WorkflowNodeHandler>? handlers = null, IEnumerable<KeyValuePair<string, IReadOnlyList<WorkflowNodeInput>>>? extra = null)
    {
        _types = new(BuiltIns, StringComparer.Ordinal);
        foreach (var handler in handlers ?? [])
        {
            _types[handler.NodeType] = handler.Inputs;
        }

        foreach (var (name, inputs) in extra ?? [])
        {
            _types[name] = inputs;
        }
    }

    public static NodeTypeCatalog Default { get; } = new();

    public IEnumerable<string> Names => _types.Keys.Order(StringComparer.Ordinal);

    public bool TryGetInputs(string type, [MaybeNullWhen(false)] out IReadOnlyList<WorkflowNodeInput> inputs) => _types.TryGetValue(type, out inputs);
}
