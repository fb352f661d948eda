using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp;

/// <summary>
/// What one in-process MCP server offers the Claude Code CLI: its name, its tools, and optionally resources and prompts.
/// One options instance can create any number of <see cref="ClaudeSdkMcpServer"/>s (one per session).
/// </summary>
public sealed class ClaudeSdkMcpServerOptions
{
    /// <summary>
    /// Gets or sets the server name declared to the CLI. Required; letters, digits, <c>_</c> and <c>-</c> only, because the
    /// model sees each tool as <c>mcp__&lt;Name&gt;__&lt;tool&gt;</c>.
    /// </summary>
    public string Name { get; set; } = "";

    /// <summary>Gets or sets the version reported in the MCP <c>initialize</c> result. The default is <c>1.0.0</c>.</summary>
    public string Version { get; set; } = "1.0.0";

    /// <summary>Gets or sets optional instructions sent to the CLI in the <c>initialize</c> result.</summary>
    public string? Instructions { get; set; }

    /// <summary>
    /// Gets the tools, built with the SDK's <see cref="McpServerTool.Create(Delegate, McpServerToolCreateOptions?)"/> or
    /// <see cref="ClaudeSdkMcpTools"/>. Tool names must be unique within the server.
    /// </summary>
    public IList<McpServerTool> Tools { get; init; } = [];

    /// <summary>Gets the resources (<see cref="McpServerResource.Create(Delegate, McpServerResourceCreateOptions?)"/>).</summary>
    public IList<McpServerResource> Resources { get; init; } = [];

    /// <summary>Gets the prompts (<see cref="McpServerPrompt.Create(Delegate, McpServerPromptCreateOptions?)"/>).</summary>
    public IList<McpServerPrompt> Prompts { get; init; } = [];

    /// <summary>
    /// Gets or sets whether tools are sent to the model with every request. The default is <see langword="true"/>: a tool
    /// without its own <c>anthropic/alwaysLoad</c> entry (<see cref="McpServerToolExtensions.WithAlwaysLoad"/>) is listed to the
    /// CLI as always loaded, so the model sees it directly. Set <see langword="false"/> for a large tool set: the CLI 2.1.330
    /// then defers the tools behind its <c>ToolSearch</c> tool (the model sees only that until it searches), which saves prompt
    /// tokens per request. A tool's own <c>WithAlwaysLoad(bool)</c> always wins.
    /// </summary>
    public bool AlwaysLoadTools { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the message of an unexpected exception thrown by a tool is shown to the model. The default is
    /// <see langword="false"/>: the result then says only that the tool failed, with an error id, and the full exception is
    /// logged (warning) with the same id. The same rule, with an option of the same name, holds for a session's permission and
    /// hook callbacks (<c>ClaudeSessionOptions.IncludeExceptionMessages</c>).
    /// </summary>
    /// <remarks>
    /// Security: exception messages can carry paths, connection strings or data the model (and the transcript) should not
    /// see. To report a failure the model can act on, throw <see cref="ModelContextProtocol.McpException"/>, whose message
    /// is always shown, or return a <see cref="ModelContextProtocol.Protocol.CallToolResult"/> with <c>IsError = true</c>.
    /// </remarks>
    public bool IncludeExceptionMessages { get; set; }
}
