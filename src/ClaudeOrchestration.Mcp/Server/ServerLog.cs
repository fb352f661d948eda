using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Mcp.Server;

/// <summary>Source-generated log messages of the suite's MCP tools. Arguments, prompts and results are never logged.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(101, LogLevel.Information, "MCP tool {Tool} started agent task {TaskId} in {WorkingDirectory}.")]
    public static partial void AgentTaskStarted(ILogger logger, string tool, string taskId, string? workingDirectory);

    [LoggerMessage(102, LogLevel.Information, "MCP tool {Tool}: agent task {TaskId} ended {Status}.")]
    public static partial void AgentTaskEnded(ILogger logger, string tool, string taskId, string status);

    [LoggerMessage(103, LogLevel.Debug, "MCP resource {Uri} changed; notifying {Count} subscribed session(s).")]
    public static partial void ResourceChanged(ILogger logger, string uri, int count);

    [LoggerMessage(104, LogLevel.Debug, "Could not notify an MCP session that {Uri} changed; its subscription was dropped.")]
    public static partial void NotifyFailed(ILogger logger, string uri, Exception exception);

    [LoggerMessage(105, LogLevel.Information, "MCP tool run_workflow started workflow {Workflow} as run {RunId}.")]
    public static partial void WorkflowStarted(ILogger logger, string workflow, string runId);
}
