namespace ClaudeOrchestration.Workflows.Definitions;

/// <summary>The node types the engine knows without a host registering anything.</summary>
public static class WorkflowNodeTypes
{
    /// <summary>A Claude Code agent task, through Core's delegator, the client, or a pooled session.</summary>
    public const string ClaudeCode = "claude_code";

    /// <summary>A search of the RAG knowledge base (or of an agent context's relevant memory).</summary>
    public const string RagQuery = "rag_query";

    /// <summary>Adds a fact or a turn to an agent context of the RAG package.</summary>
    public const string ContextUpdate = "context_update";

    /// <summary>Runs a Dify app's published workflow through <c>IDifyClient</c> (register one with <c>AddDifyClient</c>).</summary>
    public const string Dify = "dify";

    /// <summary>Fan-out over its child nodes with a fan-in barrier (all, any, first N).</summary>
    public const string Parallel = "parallel";

    /// <summary>Evaluates a condition and skips the sibling nodes of the branch not taken.</summary>
    public const string Conditional = "conditional";

    /// <summary>Runs its child nodes once per item, or while a condition holds, up to a maximum count.</summary>
    public const string Loop = "loop";

    /// <summary>Runs another workflow (by name) or an inline graph as one node.</summary>
    public const string SubWorkflow = "subworkflow";

    /// <summary>Pauses the run until a person approves or rejects, or the request times out.</summary>
    public const string Approval = "approval";

    /// <summary>Outputs its resolved inputs: a way to shape values between nodes.</summary>
    public const string Set = "set";

    internal static bool IsControl(string type) =>
        type is Parallel or Conditional or Loop or SubWorkflow or Approval or Set;
}
