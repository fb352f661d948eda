namespace ClaudeOrchestration.Mcp.Server;

/// <summary>The names of the tools and the URIs of the resources the suite contributes to a host's MCP server.</summary>
public static class ClaudeOrchestrationMcpNames
{
    /// <summary>Tool: runs an agent that writes code.</summary>
    public const string CodeGeneration = "code_generation";

    /// <summary>Tool: runs a read-only agent that reviews code.</summary>
    public const string CodeReview = "code_review";

    /// <summary>Tool: runs an agent on any task type.</summary>
    public const string DelegateTask = "delegate_task";

    /// <summary>Tool: searches the knowledge base.</summary>
    public const string RagQuery = "rag_query";

    /// <summary>Tool: adds a document to the knowledge base.</summary>
    public const string KnowledgeAdd = "knowledge_add";

    /// <summary>Tool: creates, changes or removes an agent context.</summary>
    public const string ContextUpdate = "context_update";

    /// <summary>Tool: starts a workflow from the catalog.</summary>
    public const string RunWorkflow = "run_workflow";

    /// <summary>Tool: a workflow run's status, node states, outputs and pending approvals.</summary>
    public const string WorkflowStatus = "workflow_status";

    /// <summary>Tool: cancels a workflow run.</summary>
    public const string CancelWorkflow = "cancel_workflow";

    /// <summary>Tool: approves or rejects a workflow run's pending approval.</summary>
    public const string ApproveWorkflow = "approve_workflow";

    /// <summary>Resource: the recent workflow runs.</summary>
    public const string WorkflowRunsUri = "workflow://runs";

    /// <summary>Resource template: one workflow run.</summary>
    public const string WorkflowRunUriTemplate = "workflow://runs/{runId}";

    /// <summary>Resource: the workflows in the catalog, with Mermaid graphs.</summary>
    public const string WorkflowDefinitionsUri = "workflow://definitions";

    /// <summary>Resource: the agent contexts.</summary>
    public const string SessionsUri = "context://sessions";

    /// <summary>Resource template: one agent context.</summary>
    public const string SessionUriTemplate = "context://sessions/{id}";

    /// <summary>Resource: the knowledge base's collections and counts.</summary>
    public const string KnowledgeUri = "context://knowledge";

    /// <summary>The URI of one agent context's resource.</summary>
    /// <param name="sessionId">The context's id.</param>
    /// <returns><c>context://sessions/{id}</c> with the id escaped.</returns>
    public static string SessionUri(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return SessionsUri + "/" + Uri.EscapeDataString(sessionId);
    }

    /// <summary>The URI of one workflow run's resource.</summary>
    /// <param name="runId">The run's id.</param>
    /// <returns><c>workflow://runs/{runId}</c> with the id escaped.</returns>
    public static string WorkflowRunUri(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return WorkflowRunsUri + "/" + Uri.EscapeDataString(runId);
    }
}
