using System.Text.Json;

namespace ClaudeOrchestration.Sessions;

/// <summary>The lifecycle of a <see cref="ClaudeSession"/>.</summary>
public enum ClaudeSessionState
{
    /// <summary>The CLI is starting and has not answered <c>initialize</c> yet.</summary>
    Starting,

    /// <summary>Ready for a turn.</summary>
    Idle,

    /// <summary>A turn is running.</summary>
    Running,

    /// <summary>
    /// The CLI died, broke the protocol or ignored an interrupt; it has been stopped. <see cref="ClaudeSession.Fault"/> says
    /// why; <see cref="ClaudeSession.ResumeAsync"/> opens a new process on the same conversation.
    /// </summary>
    Faulted,

    /// <summary>Disposed; the process has been stopped.</summary>
    Closed,
}

/// <summary>The CLI answered a control request with an error.</summary>
public sealed class ClaudeControlException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="subtype">The request's subtype.</param>
    /// <param name="error">The CLI's error text.</param>
    /// <param name="errorCode">The CLI's error code, when it sent one.</param>
    public ClaudeControlException(string subtype, string error, string? errorCode = null)
        : base($"The claude CLI refused the '{subtype}' control request: {error}")
    {
        RequestSubtype = subtype;
        Error = error;
        ErrorCode = errorCode;
    }

    /// <summary>Creates the exception.</summary>
    public ClaudeControlException()
        : this("unknown", "unknown error")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ClaudeControlException(string message)
        : this("unknown", message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ClaudeControlException(string message, Exception? innerException)
        : base(message, innerException)
    {
        RequestSubtype = "unknown";
        Error = message;
    }

    /// <summary>The subtype of the refused request, e.g. <c>mcp_reconnect</c>.</summary>
    public string RequestSubtype { get; }

    /// <summary>The CLI's error text.</summary>
    public string Error { get; }

    /// <summary>The CLI's machine-readable code (e.g. <c>unsupported_request</c>), when it sent one.</summary>
    public string? ErrorCode { get; }
}

/// <summary>The CLI's answer to an <c>interrupt</c>.</summary>
public sealed class ClaudeInterruptReceipt
{
    /// <summary>The uuids of user messages that stay queued after the interrupt.</summary>
    public required IReadOnlyList<string> StillQueued { get; init; }

    /// <summary>The answer as the CLI sent it (<see langword="null"/> when it sent none).</summary>
    public JsonElement? Raw { get; init; }
}

/// <summary>An MCP server as reported by <c>mcp_status</c>.</summary>
public sealed class ClaudeMcpServerInfo
{
    /// <summary>The server name.</summary>
    public required string Name { get; init; }

    /// <summary><c>connected</c>, <c>failed</c>, <c>pending</c>, <c>disabled</c>, …</summary>
    public required string Status { get; init; }

    /// <summary>How the CLI reaches it: <c>stdio</c>, <c>http</c>, <c>sse</c>, <c>sdk</c>, …</summary>
    public string? Transport { get; init; }

    /// <summary>The names of the server's tools, as the server calls them.</summary>
    public required IReadOnlyList<string> Tools { get; init; }

    /// <summary>The entry as the CLI sent it (server info, config, scope, …).</summary>
    public required JsonElement Raw { get; init; }
}

/// <summary>How the context window is used, by category (<c>get_context_usage</c>).</summary>
public sealed class ClaudeContextUsage
{
    /// <summary>The categories: system prompt, tools, messages, free space, …</summary>
    public required IReadOnlyList<ClaudeContextCategory> Categories { get; init; }

    /// <summary>The answer as the CLI sent it (totals, model, percentages, …).</summary>
    public required JsonElement Raw { get; init; }
}

/// <summary>One category of <see cref="ClaudeContextUsage"/>.</summary>
public sealed class ClaudeContextCategory
{
    /// <summary>A stable id, e.g. <c>system_prompt</c>.</summary>
    public required string Id { get; init; }

    /// <summary>A display name, e.g. <c>System prompt</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Tokens in this category.</summary>
    public long Tokens { get; init; }

    /// <summary><c>used</c>, <c>deferred</c>, <c>free</c>, …</summary>
    public string? Kind { get; init; }
}
