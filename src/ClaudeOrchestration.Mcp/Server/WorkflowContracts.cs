using System.ComponentModel;
using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Mcp.Server;

// The wire shapes of the workflow tools and resources (snake_case through McpContractsJsonContext).

/// <summary>What every workflow tool returns, and what the <c>workflow://runs/{runId}</c> resource holds.</summary>
internal sealed class WorkflowRunInfo
{
    [Description("The run's id: pass it to workflow_status, cancel_workflow and approve_workflow.")]
    public required string RunId { get; init; }

    [Description("The run's resource URI (subscribe to hear when its status changes).")]
    public required string Uri { get; init; }

    [Description("The workflow's name.")]
    public required string Workflow { get; init; }

    [Description("Running, WaitingForApproval, Completed, Failed or Cancelled.")]
    public required string Status { get; init; }

    [Description("Whether this server is executing the run right now.")]
    public bool IsActive { get; init; }

    [Description("What the tool did: started, cancelled, not_cancelled (the run had ended), approved, rejected; absent for a status query.")]
    public string? Action { get; init; }

    [Description("Why the run failed or was cancelled.")]
    public string? Error { get; init; }

    [Description("When the run was created.")]
    public DateTimeOffset CreatedAt { get; init; }

    [Description("When the run's record last changed.")]
    public DateTimeOffset UpdatedAt { get; init; }

    [Description("The run's outputs, once completed.")]
    public IReadOnlyDictionary<string, JsonNode?>? Outputs { get; init; }

    [Description("Every node's last checkpoint (nodes not yet started are absent).")]
    public IReadOnlyList<WorkflowNodeInfo> Nodes { get; init; } = [];

    [Description("Approval requests waiting for a decision: approve or reject them with approve_workflow.")]
    public IReadOnlyList<WorkflowApprovalInfo> PendingApprovals { get; init; } = [];
}

/// <summary>One node of a run.</summary>
internal sealed class WorkflowNodeInfo
{
    [Description("The node's path (id, or parent/child and loop[2]/child for nested nodes).")]
    public required string NodePath { get; init; }

    [Description("Pending, Running, Completed, Failed, Skipped or Cancelled.")]
    public required string Status { get; init; }

    [Description("Attempts made.")]
    public int Attempts { get; init; }

    [Description("Why it failed, was skipped or cancelled.")]
    public string? Error { get; init; }

    [Description("Its outputs, when completed.")]
    public IReadOnlyDictionary<string, JsonNode?>? Outputs { get; init; }
}

/// <summary>A pending approval of a run.</summary>
internal sealed class WorkflowApprovalInfo
{
    [Description("The approval node's path: the node_path argument of approve_workflow.")]
    public required string NodePath { get; init; }

    [Description("What is to be approved.")]
    public string? Message { get; init; }

    [Description("When it was requested.")]
    public DateTimeOffset RequestedAt { get; init; }

    [Description("When it times out (then it counts as rejected).")]
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>The <c>workflow://runs</c> resource.</summary>
internal sealed class WorkflowRunList
{
    public required int Count { get; init; }

    public required IReadOnlyList<WorkflowRunEntry> Runs { get; init; }
}

/// <summary>One entry of <c>workflow://runs</c>.</summary>
internal sealed class WorkflowRunEntry
{
    public required string RunId { get; init; }

    public required string Uri { get; init; }

    public required string Workflow { get; init; }

    public required string Status { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? Error { get; init; }
}

/// <summary>The <c>workflow://definitions</c> resource.</summary>
internal sealed class WorkflowDefinitionList
{
    public required IReadOnlyList<WorkflowDefinitionEntry> Workflows { get; init; }
}

/// <summary>One workflow of the catalog.</summary>
internal sealed class WorkflowDefinitionEntry
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public int Version { get; init; }

    public required IReadOnlyList<WorkflowInputEntry> Inputs { get; init; }

    public required IReadOnlyList<string> Nodes { get; init; }

    public required string Mermaid { get; init; }
}

/// <summary>One input of a catalog workflow.</summary>
internal sealed class WorkflowInputEntry
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public bool Required { get; init; }

    public string? Description { get; init; }
}
