namespace ClaudeOrchestration.Workflows.Definitions;

/// <summary>An input a node type takes; used to validate definitions and to type-check resolved values.</summary>
public sealed class WorkflowNodeInput
{
    /// <summary>The input's name.</summary>
    public required string Name { get; init; }

    /// <summary>The expected type after references are resolved. Default <see cref="WorkflowValueType.Any"/>.</summary>
    public WorkflowValueType Type { get; init; } = WorkflowValueType.Any;

    /// <summary>Whether a node of this type must set the input.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the value is a safe expression (checked when the definition is built), not a value.</summary>
    public bool IsExpression { get; init; }

    /// <summary>Shorthand for a required input.</summary>
    public static WorkflowNodeInput Require(string name, WorkflowValueType type = WorkflowValueType.Any) => new() { Name = name, Type = type, Required = true };

    /// <summary>Shorthand for an optional input.</summary>
    public static WorkflowNodeInput Optional(string name, WorkflowValueType type = WorkflowValueType.Any) => new() { Name = name, Type = type };
}
