using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ClaudeOrchestration.Workflows.Definitions;

namespace ClaudeOrchestration.Workflows.Execution;

/// <summary>Where a run is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowRunStatus>))]
public enum WorkflowRunStatus
{
    /// <summary>Nodes are running (or the host stopped while they were: resume it).</summary>
    Running,

    /// <summary>Waiting for an approval decision.</summary>
    WaitingForApproval,

    /// <summary>Every node completed or was skipped.</summary>
    Completed,

    /// <summary>A node failed (fail-fast), the deadline passed, or the budget ran out.</summary>
    Failed,

    /// <summary>Cancelled by a caller.</summary>
    Cancelled,
}

/// <summary>Where a node is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowNodeStatus>))]
public enum WorkflowNodeStatus
{
    /// <summary>Not started.</summary>
    Pending,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Finished with outputs.</summary>
    Completed,

    /// <summary>Failed after its last attempt.</summary>
    Failed,

    /// <summary>Did not run.</summary>
    Skipped,

    /// <summary>Stopped by cancellation, fail-fast or a fan-in barrier that no longer needed it.</summary>
    Cancelled,
}

/// <summary>A run as the run store keeps it.</summary>
public sealed class WorkflowRunRecord
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The definition the run executes (stored so a resume needs nothing else).</summary>
    public required WorkflowDefinition Definition { get; init; }

    /// <summary>The run's validated inputs.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> Inputs { get; init; }

    /// <summary>Where the run is.</summary>
    public required WorkflowRunStatus Status { get; init; }

    /// <summary>When the run was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the record last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the deadline passes, if there is one.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Why it failed or was cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>The run's outputs, once completed.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Outputs { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the run's first <c>workflow.run</c> span (when it was traced): a resumed run's span links
    /// to it, so a trace viewer joins the two halves of a run that crossed a restart.
    /// </summary>
    public string? TraceParent { get; init; }
}

/// <summary>A node's checkpoint: written when it completes, fails, is skipped or starts waiting.</summary>
public sealed class WorkflowNodeRecord
{
    /// <summary>The node's path (<c>id</c>, <c>loop[1]/child</c>).</summary>
    public required string NodePath { get; init; }

    /// <summary>Where the node is.</summary>
    public required WorkflowNodeStatus Status { get; init; }

    /// <summary>Its outputs, when completed.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Outputs { get; init; }

    /// <summary>Why it failed, was skipped or cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; }

    /// <summary>What it spent on Claude, in US dollars.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Agent turns it used.</summary>
    public int Turns { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>A human approval request and, once made, its decision.</summary>
public sealed class WorkflowApprovalRecord
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The approval node's path.</summary>
    public required string NodePath { get; init; }

    /// <summary>What is to be approved.</summary>
    public string? Message { get; init; }

    /// <summary>When it was requested.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>When it times out, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The decision, or <see langword="null"/> while pending.</summary>
    public WorkflowApprovalDecision? Decision { get; init; }

    /// <summary>Who decided.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>A comment with the decision.</summary>
    public string? Comment { get; init; }

    /// <summary>When it was decided.</summary>
    public DateTimeOffset? DecidedAt { get; init; }
}

/// <summary>An approval's outcome.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowApprovalDecision>))]
public enum WorkflowApprovalDecision
{
    /// <summary>Approved: the run goes on.</summary>
    Approved,

    /// <summary>Rejected: the node fails (unless <c>failOnReject</c> is false).</summary>
    Rejected,

    /// <summary>Nobody decided in time: treated like a rejection.</summary>
    TimedOut,
}

/// <summary>How a run ended.</summary>
public sealed class WorkflowRunResult
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>How it ended.</summary>
    public required WorkflowRunStatus Status { get; init; }

    /// <summary>The run's outputs, when it completed.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Outputs { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Why it failed or was cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>Every node's last checkpoint, by path.</summary>
    public IReadOnlyDictionary<string, WorkflowNodeRecord> Nodes { get; init; } = new Dictionary<string, WorkflowNodeRecord>();

    /// <summary>What the run spent on Claude, in US dollars.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Agent turns the run used.</summary>
    public int Turns { get; init; }
}

/// <summary>A run's state as stored, for status queries.</summary>
public sealed class WorkflowRunSnapshot
{
    /// <summary>The run.</summary>
    public required WorkflowRunRecord Run { get; init; }

    /// <summary>Every node's last checkpoint.</summary>
    public required IReadOnlyList<WorkflowNodeRecord> Nodes { get; init; }

    /// <summary>Approval requests waiting for a decision.</summary>
    public required IReadOnlyList<WorkflowApprovalRecord> PendingApprovals { get; init; }

    /// <summary>Whether this engine instance is executing the run right now.</summary>
    public bool IsActive { get; init; }
}

/// <summary>Options for one run.</summary>
public sealed class WorkflowRunOptions
{
    /// <summary>The run id to use; default a new GUID. Starting a run whose id exists fails.</summary>
    public string? RunId { get; init; }

    /// <summary>Overrides the definition's limits for this run.</summary>
    public WorkflowLimits? Limits { get; init; }
}
