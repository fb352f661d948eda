using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Mcp.Diagnostics;

/// <summary>Source-generated log messages. Tool arguments and results are never logged here; the SDK logs them at Trace.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "MCP server '{Server}' received request {Method} (id {RequestId}).")]
    public static partial void RequestReceived(ILogger logger, string server, string method, string requestId);

    [LoggerMessage(2, LogLevel.Debug, "MCP server '{Server}' received notification {Method}.")]
    public static partial void NotificationReceived(ILogger logger, string server, string method);

    [LoggerMessage(3, LogLevel.Debug, "MCP server '{Server}': request {Method} (id {RequestId}) was cancelled by the session; the server was told to cancel it.")]
    public static partial void RequestCancelled(ILogger logger, string server, string method, string requestId);

    [LoggerMessage(4, LogLevel.Debug, "MCP server '{Server}' answered request id {RequestId} after its caller stopped waiting; the answer was dropped.")]
    public static partial void LateResponseDropped(ILogger logger, string server, string requestId);

    [LoggerMessage(5, LogLevel.Warning, "MCP server '{Server}' tried to send request {Method} to the CLI; the control channel cannot carry it, so it was answered with an error.")]
    public static partial void ServerRequestRefused(ILogger logger, string server, string method);

    [LoggerMessage(6, LogLevel.Debug, "MCP server '{Server}' sent notification {Method}; the control channel cannot carry it, so it was dropped.")]
    public static partial void ServerNotificationDropped(ILogger logger, string server, string method);

    [LoggerMessage(7, LogLevel.Warning, "MCP server '{Server}' received a message that is not valid JSON-RPC: {Problem}")]
    public static partial void InvalidMessage(ILogger logger, string server, string problem);

    [LoggerMessage(8, LogLevel.Warning, "MCP server '{Server}' received a JSON-RPC response with id {RequestId}, but it sends no requests to the CLI; dropped.")]
    public static partial void UnexpectedClientResponse(ILogger logger, string server, string requestId);

    [LoggerMessage(9, LogLevel.Error, "The message loop of MCP server '{Server}' failed; pending and later calls fail.")]
    public static partial void ServerFailed(ILogger logger, string server, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "MCP server '{Server}': tool {Tool} failed with error id {ErrorId}; the model got an error result.")]
    public static partial void ToolFailed(ILogger logger, string server, string? tool, string errorId, Exception exception);
}
