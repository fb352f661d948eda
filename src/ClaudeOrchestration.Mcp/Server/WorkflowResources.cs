using System.ComponentModel;
using System.Text.Json;
using ClaudeOrchestration.Workflows.Definitions;
using ClaudeOrchestration.Workflows.Execution;
using ClaudeOrchestration.Workflows.Persistence;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>The workflow resources: recent runs, one run's status, and the catalog, as JSON.</summary>
internal sealed class WorkflowResources(IServiceProvider services)
{
    private const string Json = "application/json";

    /// <summary>How many runs <c>workflow://runs</c> lists, newest first.</summary>
    internal const int RecentRuns = 100;

    [McpServerResource(UriTemplate = ClaudeOrchestrationMcpNames.WorkflowRunsUri, Name = "workflow_runs", Title = "Workflow runs", MimeType = Json)]
    [Description("The most recent workflow runs (newest first, at most 100): id, workflow, status. Subscribe to hear of runs started and ended here.")]
    public async Task<TextResourceContents> RunsAsync(CancellationToken cancellationToken)
    {
        var page = await services.GetRequiredService<IWorkflowRunStore>()
            .ListRunsAsync(new WorkflowRunQuery { PageSize = RecentRuns }, cancellationToken).ConfigureAwait(false);
        var entries = page.Runs.Select(r => new WorkflowRunEntry
        {
            RunId = r.RunId,
            Uri = ClaudeOrchestrationMcpNames.WorkflowRunUri(r.RunId),
            Workflow = r.Definition.Name,
            Status = r.Status.ToString(),
            CreatedAt = r.CreatedAt,
            UpdatedAt = r.UpdatedAt,
            Error = r.Error is null ? null : ToolArguments.Safe(r.Error),
        }).ToList();
        var list = new WorkflowRunList { Count = entries.Count, Runs = entries };
        return Text(ClaudeOrchestrationMcpNames.WorkflowRunsUri, JsonSerializer.Serialize(list, McpContractsJsonContext.Default.WorkflowRunList));
    }

    [McpServerResource(UriTemplate = ClaudeOrchestrationMcpNames.WorkflowRunUriTemplate, Name = "workflow_run", Title = "Workflow run", MimeType = Json)]
    [Description("One workflow run: status, node states, outputs, pending approvals. Subscribe to hear when its status changes.")]
    public async Task<TextResourceContents> RunAsync([Description("The run's id.")] string runId, CancellationToken cancellationToken)
    {
        var id = Uri.UnescapeDataString(runId);
        var uri = ClaudeOrchestrationMcpNames.WorkflowRunUri(id);
        var snapshot = await services.GetRequiredService<IWorkflowEngine>().GetStatusAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new McpProtocolException($"There is no workflow run '{id}' ({uri}).", McpErrorCode.ResourceNotFound);
        return Text(uri, JsonSerializer.Serialize(Info(snapshot, null), McpContractsJsonContext.Default.WorkflowRunInfo));
    }

    [McpServerResource(UriTemplate = ClaudeOrchestrationMcpNames.WorkflowDefinitionsUri, Name = "workflow_definitions", Title = "Workflows", MimeType = Json)]
    [Description("The workflows run_workflow can start: name, inputs, nodes and the graph as Mermaid text.")]
    public Task<TextResourceContents> DefinitionsAsync()
    {
        var entries = services.GetRequiredService<IWorkflowCatalog>().Definitions.Select(d => new WorkflowDefinitionEntry
        {
            Name = d.Name,
            Description = d.Description,
            Version = d.Version,
            Inputs = [.. d.Inputs.Select(i => new WorkflowInputEntry { Name = i.Name, Type = i.Type.ToString(), Required = i.Required, Description = i.Description })],
            Nodes = [.. d.Nodes.Select(n => n.Id)],
            Mermaid = WorkflowGraph.ToMermaid(d),
        }).ToList();
        var list = new WorkflowDefinitionList { Workflows = entries };
        return Task.FromResult(Text(ClaudeOrchestrationMcpNames.WorkflowDefinitionsUri, JsonSerializer.Serialize(list, McpContractsJsonContext.Default.WorkflowDefinitionList)));
    }

    internal static WorkflowRunInfo Info(WorkflowRunSnapshot snapshot, string? action) => new()
    {
        RunId = snapshot.Run.RunId,
        Uri = ClaudeOrchestrationMcpNames.WorkflowRunUri(snapshot.Run.RunId),
        Workflow = snapshot.Run.Definition.Name,
        Status = snapshot.Run.Status.ToString(),
        IsActive = snapshot.IsActive,
        Action = action,
        Error = snapshot.Run.Error is null ? null : ToolArguments.Safe(snapshot.Run.Error),
        CreatedAt = snapshot.Run.CreatedAt,
        UpdatedAt = snapshot.Run.UpdatedAt,
        Outputs = snapshot.Run.Outputs,
        Nodes = [.. snapshot.Nodes.Select(n => new WorkflowNodeInfo
        {
            NodePath = n.NodePath,
            Status = n.Status.ToString(),
            Attempts = n.Attempts,
            Error = n.Error is null ? null : ToolArguments.Safe(n.Error),
            Outputs = n.Outputs,
        })],
        PendingApprovals = [.. snapshot.PendingApprovals.Select(a => new WorkflowApprovalInfo
        {
            NodePath = a.NodePath,
            Message = a.Message,
            RequestedAt = a.RequestedAt,
            ExpiresAt = a.ExpiresAt,
        })],
    };

    private static TextResourceContents Text(string uri, string json) => new() { Uri = uri, MimeType = Json, Text = json };
}
