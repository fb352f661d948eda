using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// <c>system/init</c>: the first frame of every turn, describing the session (model, tools, MCP servers, capabilities).
/// The many fields without a property here (<c>plugins</c> details, <c>memory_paths</c>, <c>fast_mode_state</c>, …)
/// are in <see cref="SystemMessage.Raw"/>.
/// </summary>
public sealed class SystemInitMessage : SystemMessage
{
    private readonly IReadOnlyList<string>? _tools;
    private readonly IReadOnlyList<McpServerStatus>? _mcpServers;
    private readonly IReadOnlyList<string>? _slashCommands;
    private readonly IReadOnlyList<string>? _agents;
    private readonly IReadOnlyList<string>? _skills;
    private readonly IReadOnlyList<string>? _capabilities;

    /// <summary>The working directory of the session.</summary>
    public string? Cwd { get; init; }

    /// <summary>The model id in use, e.g. <c>claude-opus-5-5</c>.</summary>
    public string? Model { get; init; }

    /// <summary>The permission mode (wire <c>permissionMode</c>): <c>default</c>, <c>acceptEdits</c>, <c>plan</c>, …</summary>
    [JsonPropertyName("permissionMode")]
    public string? PermissionMode { get; init; }

    /// <summary>Where the API key came from (wire <c>apiKeySource</c>), e.g. <c>ANTHROPIC_API_KEY</c> or <c>none</c>.</summary>
    [JsonPropertyName("apiKeySource")]
    public string? ApiKeySource { get; init; }

    /// <summary>The CLI version, e.g. <c>2.1.330</c>.</summary>
    public string? ClaudeCodeVersion { get; init; }

    /// <summary>The output style in use.</summary>
    public string? OutputStyle { get; init; }

    /// <summary>Names of the tools available to the model; empty when absent.</summary>
    [AllowNull]
    public IReadOnlyList<string> Tools
    {
        get => _tools ?? [];
        init => _tools = value;
    }

    /// <summary>MCP servers and their connection status; empty when none.</summary>
    [AllowNull]
    public IReadOnlyList<McpServerStatus> McpServers
    {
        get => _mcpServers ?? [];
        init => _mcpServers = value;
    }

    /// <summary>Slash commands available in the session; empty when absent.</summary>
    [AllowNull]
    public IReadOnlyList<string> SlashCommands
    {
        get => _slashCommands ?? [];
        init => _slashCommands = value;
    }

    /// <summary>Names of the subagents available to the Task tool; empty when absent.</summary>
    [AllowNull]
    public IReadOnlyList<string> Agents
    {
        get => _agents ?? [];
        init => _agents = value;
    }

    /// <summary>Names of the skills available; empty when absent.</summary>
    [AllowNull]
    public IReadOnlyList<string> Skills
    {
        get => _skills ?? [];
        init => _skills = value;
    }

    /// <summary>Feature flags of this CLI build for the host (e.g. <c>interrupt_receipt_v1</c>); empty when absent.</summary>
    [AllowNull]
    public IReadOnlyList<string> Capabilities
    {
        get => _capabilities ?? [];
        init => _capabilities = value;
    }
}
