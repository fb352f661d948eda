using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Workflows.Execution;

/// <summary>Something that happened in a run. Consume with pattern matching; new kinds may be added.</summary>
public abstract class WorkflowEvent
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>When it happened (the engine's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset Timestamp { get; init; }
}

/// <summary>A run started, or resumed after a restart.</summary>
public sealed class RunStartedEvent : WorkflowEvent
{
    /// <summary>The workflow's name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>Whether the run continues from a checkpoint.</summary>
    public bool Resumed { get; init; }
}

/// <summary>A run ended.</summary>
public sealed class RunFinishedEvent : WorkflowEvent
{
    /// <summary>How it ended.</summary>
    public required WorkflowRunStatus Status { get; init; }

    /// <summary>Why it failed or was cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>The run's outputs, when it completed.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Outputs { get; init; } = new Dictionary<string, JsonNode?>();
}

/// <summary>A node attempt started.</summary>
public sealed class NodeStartedEvent : WorkflowEvent
{
    /// <summary>The node's path.</summary>
    public required string NodePath { get; init; }

    /// <summary>The node's type.</summary>
    public required string NodeType { get; init; }

    /// <summary>The attempt, from 1.</summary>
    public int Attempt { get; init; } = 1;
}

/// <summary>A node ended (completed, failed or was cancelled).</summary>
public sealed class NodeFinishedEvent : WorkflowEvent
{
    /// <summary>The node's path.</summary>
    public required string NodePath { get; init; }

    /// <summary>How it ended.</summary>
    public required WorkflowNodeStatus Status { get; init; }

    /// <summary>Its outputs, when it completed.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Outputs { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; }
}

/// <summary>A node attempt failed and another follows after a delay.</summary>
public sealed class NodeRetryingEvent : WorkflowEvent
{
    /// <summary>The node's path.</summary>
    public required string NodePath { get; init; }

    /// <summary>The attempt that failed, from 1.</summary>
    public required int FailedAttempt { get; init; }

    /// <summary>The wait before the next attempt.</summary>
    public required TimeSpan Delay { get; init; }

    /// <summary>Why the attempt failed.</summary>
    public required string Error { get; init; }
}

/// <summary>A node did not run: its condition was false, its branch was not taken, or a dependency failed or was skipped.</summary>
public sealed class NodeSkippedEvent : WorkflowEvent
{
    /// <summary>The node's path.</summary>
    public required string NodePath { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }
}

/// <summary>An approval node is waiting for a decision (<c>ApproveAsync</c>/<c>RejectAsync</c>).</summary>
public sealed class ApprovalRequestedEvent : WorkflowEvent
{
    /// <summary>The approval node's path; pass it to <c>ApproveAsync</c>.</summary>
    public required string NodePath { get; init; }

    /// <summary>What is to be approved.</summary>
    public string? Message { get; init; }

    /// <summary>When the request times out, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>A chunk of text a node produced (for example an agent's reply as it streams).</summary>
public sealed class NodeTextEvent : WorkflowEvent
{
    /// <summary>The node's path.</summary>
    public required string NodePath { get; init; }

    /// <summary>The text.</summary>
    public required string Text { get; init; }
}
