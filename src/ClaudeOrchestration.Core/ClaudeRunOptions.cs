using System.Text.Json.Nodes;

namespace ClaudeOrchestration;

/// <summary>
/// Per-task settings for one run of the Claude Code CLI. Each maps to a headless flag; values are passed as
/// separate <c>--flag=value</c> arguments, never through a shell. Large values (system prompts, MCP configuration)
/// go through files, never an oversized command line. A record, so a variant is one <c>with</c> expression away.
/// </summary>
public sealed record ClaudeRunOptions
{
    /// <summary>Model alias or id (<c>--model</c>).</summary>
    public string? Model { get; init; }

    /// <summary>Model(s) used when the main model is overloaded (<c>--fallback-model</c>).</summary>
    public string? FallbackModel { get; init; }

    /// <summary>Maximum agent turns (<c>--max-turns</c>).</summary>
    public int? MaxTurns { get; init; }

    /// <summary>Maximum spend in US dollars (<c>--max-budget-usd</c>).</summary>
    public decimal? MaxBudgetUsd { get; init; }

    /// <summary>Replaces the default system prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Appended to the default system prompt.</summary>
    public string? AppendSystemPrompt { get; init; }

    /// <summary>The built-in tool set (<c>--tools</c>); an empty list means no built-in tools, <see langword="null"/> the default set.</summary>
    public IReadOnlyList<string>? Tools { get; init; }

    /// <summary>Allow rules such as <c>Bash(git *)</c>, <c>Edit</c> or <c>mcp__server__tool</c> (<c>--allowedTools</c>).</summary>
    public IReadOnlyList<string>? AllowedTools { get; init; }

    /// <summary>Tools removed from the model's context (<c>--disallowedTools</c>).</summary>
    public IReadOnlyList<string>? DisallowedTools { get; init; }

    /// <summary>Permission mode; <see langword="null"/> uses <see cref="ClaudeOrchestrationOptions.DefaultPermissionMode"/>.</summary>
    public ClaudePermissionMode? PermissionMode { get; init; }

    /// <summary>MCP servers as a JSON object of the form <c>{"mcpServers":{...}}</c> (<c>--mcp-config</c>).</summary>
    public JsonObject? McpConfig { get; init; }

    /// <summary>Path of an MCP configuration file (<c>--mcp-config</c>).</summary>
    public string? McpConfigPath { get; init; }

    /// <summary>Use only the MCP servers given here (<c>--strict-mcp-config</c>).</summary>
    public bool StrictMcpConfig { get; init; }

    /// <summary>Resume this session id (<c>--resume</c>).</summary>
    public string? Resume { get; init; }

    /// <summary>Continue the most recent session in the working directory (<c>--continue</c>).</summary>
    public bool ContinueConversation { get; init; }

    /// <summary>With <see cref="Resume"/>: start a new session id that keeps the history (<c>--fork-session</c>).</summary>
    public bool ForkSession { get; init; }

    /// <summary>Use this UUID as the session id (<c>--session-id</c>).</summary>
    public string? SessionId { get; init; }

    /// <summary>Do not write the transcript to disk (<c>--no-session-persistence</c>).</summary>
    public bool NoSessionPersistence { get; init; }

    /// <summary>Extra directories the agent may work in (<c>--add-dir</c>, one per directory).</summary>
    public IReadOnlyList<string>? AdditionalDirectories { get; init; }

    /// <summary>A settings file path or a JSON settings object (<c>--settings</c>).</summary>
    public string? Settings { get; init; }

    /// <summary>Which settings files load (<c>--setting-sources</c>): <c>user</c>, <c>project</c>, <c>local</c>. Empty = none.</summary>
    public IReadOnlyList<string>? SettingSources { get; init; }

    /// <summary>A JSON schema for structured output (<c>--json-schema</c>); the result then carries <c>structured_output</c>.</summary>
    public JsonObject? JsonSchema { get; init; }

    /// <summary>Emit raw streaming events (<c>--include-partial-messages</c>).</summary>
    public bool IncludePartialMessages { get; init; }

    /// <summary>Working directory of the CLI process.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables for this task; a <see langword="null"/> value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? EnvironmentVariables { get; init; }

    /// <summary>
    /// Flags this type does not model yet: key without dashes, value or <see langword="null"/> for a bare switch.
    /// Each becomes one <c>--key=value</c> argument.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? ExtraArgs { get; init; }

    /// <summary>Timeout for the whole task; <see langword="null"/> uses <see cref="ClaudeOrchestrationOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Id of the task in the client's task registry (<see cref="Client.IClaudeClient.Tasks"/>); generated when <see langword="null"/>.</summary>
    public string? TaskId { get; init; }

    /// <summary>Queue priority when the process limit is reached: higher runs first. Default 0.</summary>
    public int Priority { get; init; }

    /// <summary>Receives each stderr line of the CLI as it arrives (called on a background thread).</summary>
    public Action<string>? StderrCallback { get; init; }
}
