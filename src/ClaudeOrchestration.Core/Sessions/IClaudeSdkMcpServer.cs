using System.Text.Json;

namespace ClaudeOrchestration.Sessions;

/// <summary>
/// An MCP server that lives inside the host process and that the Claude Code CLI reaches through the
/// session's control channel instead of a pipe or a socket.
/// </summary>
/// <remarks>
/// <para>
/// The contract: attach an instance to <see cref="ClaudeSessionOptions.SdkMcpServers"/>. When the session starts,
/// <see cref="Name"/> is declared to the CLI in the <c>initialize</c> control request (as an <c>sdk</c>-type MCP
/// server), so its tools appear to the model as <c>mcp__&lt;Name&gt;__&lt;tool&gt;</c>. Whenever the CLI sends an
/// <c>mcp_message</c> control request addressed to this name, the session passes the embedded JSON-RPC 2.0 message
/// (a request such as <c>initialize</c>, <c>tools/list</c>, <c>tools/call</c>, or a notification) to
/// <see cref="HandleMessageAsync"/> and sends the returned JSON-RPC response back to the CLI unchanged. Return
/// <see langword="null"/> for a notification; the session then sends the empty acknowledgement the CLI expects.
/// </para>
/// <para>
/// The session calls this method off its reader loop and may call it concurrently for different requests; the
/// <see cref="CancellationToken"/> is cancelled when the CLI sends a <c>control_cancel_request</c> for the request,
/// when the session is disposed, or when the request outlives the session's callback timeout. An exception thrown
/// here is reported to the CLI as a control error, never as a crash of the session; a JSON-RPC error that the model
/// should see belongs in the returned response instead.
/// </para>
/// </remarks>
public interface IClaudeSdkMcpServer
{
    /// <summary>
    /// Gets the server name declared to the CLI. It must be unique within a session and should match
    /// <c>[A-Za-z0-9_-]+</c>, because it becomes part of every tool name.
    /// </summary>
    string Name { get; }

    /// <summary>Handles one JSON-RPC 2.0 message sent by the CLI.</summary>
    /// <param name="jsonRpcMessage">The JSON-RPC request or notification, exactly as the CLI sent it.</param>
    /// <param name="cancellationToken">Cancelled when the CLI withdraws the request or the session ends.</param>
    /// <returns>The JSON-RPC response for a request; <see langword="null"/> for a notification.</returns>
    ValueTask<JsonElement?> HandleMessageAsync(JsonElement jsonRpcMessage, CancellationToken cancellationToken);
}
