namespace ClaudeOrchestration.Messages;

/// <summary>An MCP server as listed in <see cref="SystemInitMessage.McpServers"/>.</summary>
public sealed class McpServerStatus
{
    /// <summary>The server name as configured.</summary>
    public required string Name { get; init; }

    /// <summary><c>connected</c>, <c>failed</c>, <c>pending</c>, <c>needs-auth</c>, <c>disabled</c>, …</summary>
    public required string Status { get; init; }

    /// <summary>Where the server was configured (<c>dynamic</c>, <c>sdk</c>, a settings scope, …), when reported.</summary>
    public string? Source { get; init; }
}
