using ClaudeOrchestration.Mcp.Diagnostics;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp;

/// <summary>
/// Call-tool filter for unexpected exceptions: the model gets an error result with an error id (and the exception's message
/// only when <see cref="ClaudeSdkMcpServerOptions.IncludeExceptionMessages"/> is set); the full exception is logged with the id.
/// The same rule as a session's callbacks (<c>ClaudeSessionOptions.IncludeExceptionMessages</c>).
/// </summary>
internal static class ToolErrors
{
    public static McpRequestFilter<CallToolRequestParams, CallToolResult> Create(string server, bool includeMessages, ILogger logger) =>
        next => async (context, cancellationToken) =>
        {
            try
            {
                return await next(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not (McpException or OperationCanceledException))
            {
                var tool = context.Params?.Name;
                var errorId = "err_" + Guid.NewGuid().ToString("N")[..12];
                Log.ToolFailed(logger, server, tool, errorId, exception);
                var text = includeMessages
                    ? $"An error occurred invoking '{tool}': {exception.Message} (error id {errorId})"
                    : $"An error occurred invoking '{tool}' (error id {errorId}); the host's log has the details.";
                return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = text }] };
            }
        };
}
