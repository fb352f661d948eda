using System.ComponentModel.DataAnnotations;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>The groups of tools, resources and prompts the suite can contribute to a host's MCP server.</summary>
[Flags]
public enum ClaudeOrchestrationMcpFeatures
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>
    /// The agent tools <c>code_generation</c>, <c>code_review</c> and <c>delegate_task</c> (each runs a Claude Code agent),
    /// and the task-template prompts.
    /// </summary>
    Delegation = 1,

    /// <summary>The knowledge base: the <c>rag_query</c> and <c>knowledge_add</c> tools and the <c>context://knowledge</c> resource.</summary>
    Knowledge = 2,

    /// <summary>Agent contexts: the <c>context_update</c> tool and the <c>context://sessions</c> resources.</summary>
    Contexts = 4,

    /// <summary>
    /// Workflows: the <c>run_workflow</c>, <c>workflow_status</c>, <c>cancel_workflow</c> and <c>approve_workflow</c> tools and
    /// the <c>workflow://</c> resources. Needs <c>AddClaudeOrchestration().AddWorkflows()</c>.
    /// </summary>
    Workflows = 8,

    /// <summary>Everything above.</summary>
    All = Delegation | Knowledge | Contexts | Workflows,
}

/// <summary>
/// What the suite contributes to a host's MCP server (<c>WithClaudeOrchestrationTools()</c>). Bound from configuration
/// (section <c>ClaudeOrchestration:Mcp</c>) and validated at start-up.
/// </summary>
public sealed class ClaudeOrchestrationMcpOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "ClaudeOrchestration:Mcp";

    /// <summary>Which groups to expose. Default <see cref="ClaudeOrchestrationMcpFeatures.All"/>.</summary>
    public ClaudeOrchestrationMcpFeatures Features { get; set; } = ClaudeOrchestrationMcpFeatures.All;

    /// <summary>
    /// Lets the agent tools run without <see cref="ClaudeOrchestrationOptions.AllowedWorkingDirectoryRoots"/>, that is in
    /// any directory an MCP client names. Default <see langword="false"/>: start-up fails until roots are configured.
    /// </summary>
    public bool AllowAnyWorkingDirectory { get; set; }

    /// <summary>The longest text argument (a description, a query, a document) accepted, in characters. Default 100,000.</summary>
    [Range(16, 10_000_000, ErrorMessage = "MaxArgumentCharacters must be between 16 and 10000000 (default 100000).")]
    public int MaxArgumentCharacters { get; set; } = 100_000;

    /// <summary>The most results <c>rag_query</c> returns, whatever <c>top_k</c> asks for. Default 50.</summary>
    [Range(1, 1000, ErrorMessage = "MaxQueryResults must be between 1 and 1000 (default 50).")]
    public int MaxQueryResults { get; set; } = 50;

    /// <summary>
    /// CLI settings for the agents the tools start (model, turns, budget, permission mode …). The prompt and working directory
    /// are set per call. Default: at most 20 turns.
    /// </summary>
    public ClaudeRunOptions AgentRunOptions { get; set; } = new() { MaxTurns = 20 };

    /// <summary>
    /// The built-in tools a <c>code_review</c> agent may use; it only reads. Default <c>Read</c>, <c>Grep</c>, <c>Glob</c>.
    /// </summary>
    public IList<string> ReviewTools { get; } = ["Read", "Grep", "Glob"];
}
