namespace ClaudeOrchestration.Workflows;

/// <summary>The base of the workflow package's exceptions.</summary>
public class WorkflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowException() { }

    /// <summary>Creates the exception with a message.</summary>
    public WorkflowException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkflowException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>One problem found in a workflow definition.</summary>
public sealed class WorkflowValidationError
{
    /// <summary>The node's path (<c>fix/review</c> for a child node), or <see langword="null"/> for the workflow itself.</summary>
    public string? NodeId { get; init; }

    /// <summary>The JSON path of the offending value, e.g. <c>$.nodes[2].dependsOn[0]</c>.</summary>
    public required string JsonPath { get; init; }

    /// <summary>What is wrong and how to fix it.</summary>
    public required string Message { get; init; }

    /// <inheritdoc />
    public override string ToString() => NodeId is null ? $"{JsonPath}: {Message}" : $"node '{NodeId}' ({JsonPath}): {Message}";
}

/// <summary>A workflow definition is invalid; <see cref="Errors"/> names each node and JSON path.</summary>
public sealed class WorkflowValidationException : WorkflowException
{
    /// <summary>Creates the exception from the errors found.</summary>
    public WorkflowValidationException(string workflowName, IReadOnlyList<WorkflowValidationError> errors)
        : base($"Workflow '{workflowName}' is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors)) => Errors = errors;

    /// <summary>Creates the exception.</summary>
    public WorkflowValidationException() : this("(unnamed)", []) { }

    /// <summary>Creates the exception with a message.</summary>
    public WorkflowValidationException(string message) : base(message) => Errors = [];

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkflowValidationException(string message, Exception? innerException) : base(message, innerException) => Errors = [];

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<WorkflowValidationError> Errors { get; }
}

/// <summary>An expression or a <c>${...}</c> reference could not be evaluated.</summary>
public sealed class WorkflowExpressionException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowExpressionException() { }

    /// <summary>Creates the exception with a message.</summary>
    public WorkflowExpressionException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkflowExpressionException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>A node failed; thrown by handlers to fail a node with a clear reason, and carried by failed runs.</summary>
public sealed class WorkflowNodeException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowNodeException() { }

    /// <summary>Creates the exception with a message.</summary>
    public WorkflowNodeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkflowNodeException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Whether retrying may help. Default <see langword="true"/>; set false for failures a retry would repeat.</summary>
    public bool Transient { get; init; } = true;
}

/// <summary>No run with the id is in the run store.</summary>
public sealed class WorkflowRunNotFoundException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunNotFoundException() { }

    /// <summary>Creates the exception with a message.</summary>
    public WorkflowRunNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkflowRunNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
