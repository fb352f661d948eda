using System.Threading.Channels;
using ModelContextProtocol.Protocol;

namespace ClaudeOrchestration.Mcp;

/// <summary>
/// The server side of an in-memory MCP channel: messages the CLI sent (through the session's <c>mcp_message</c> control
/// requests) are queued for the SDK's <see cref="ModelContextProtocol.Server.McpServer"/>, and whatever the server sends
/// is handed to a callback that routes it back to the waiting caller.
/// </summary>
/// <remarks>
/// Implementing <see cref="ITransport"/> directly keeps the messages as objects: there is no serialization to a stream and
/// back, and no line framing that a 200 k-character tool result would have to pass through.
/// </remarks>
internal sealed class InProcessServerTransport(Func<JsonRpcMessage, CancellationToken, Task> onServerMessage) : ITransport
{
    // Unbounded: every queued message is owned by a caller that awaits its own response, so the queue is bounded by the
    // number of in-flight calls, which the CLI controls.
    private readonly Channel<JsonRpcMessage> _incoming = Channel.CreateUnbounded<JsonRpcMessage>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    /// <inheritdoc/>
    public string? SessionId => null;

    /// <inheritdoc/>
    public ChannelReader<JsonRpcMessage> MessageReader => _incoming.Reader;

    /// <summary>Queues a message for the server.</summary>
    /// <returns><see langword="false"/> when the transport was closed.</returns>
    public bool TryDeliver(JsonRpcMessage message) => _incoming.Writer.TryWrite(message);

    /// <inheritdoc/>
    public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) =>
        onServerMessage(message, cancellationToken);

    /// <summary>Ends the incoming stream; the server's message loop then finishes.</summary>
    public void Close() => _incoming.Writer.TryComplete();

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
