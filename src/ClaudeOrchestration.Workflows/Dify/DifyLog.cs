using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>Source-generated log messages for the Dify client. Inputs and outputs stay at Trace; the API key never appears.</summary>
internal static partial class DifyLog
{
    [LoggerMessage(2101, LogLevel.Debug, "Dify {Operation}: {Method} {Path}.")]
    public static partial void Request(ILogger logger, string operation, string method, string path);

    [LoggerMessage(2102, LogLevel.Warning, "Dify {Operation} failed with HTTP {StatusCode} ({Code}).")]
    public static partial void RequestFailed(ILogger logger, string operation, int statusCode, string? code);

    [LoggerMessage(2103, LogLevel.Warning, "Dify {Operation}: retry {Attempt} in {Delay} after {Reason}.")]
    public static partial void Retrying(ILogger logger, string operation, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(2104, LogLevel.Information, "Dify workflow run {WorkflowRunId} started (task {TaskId}).")]
    public static partial void RunStarted(ILogger logger, string? workflowRunId, string? taskId);

    [LoggerMessage(2105, LogLevel.Information, "Dify workflow run {WorkflowRunId} finished with status {Status} in {ElapsedSeconds} s, {TotalTokens} tokens.")]
    public static partial void RunFinished(ILogger logger, string? workflowRunId, string status, double elapsedSeconds, long totalTokens);

    [LoggerMessage(2106, LogLevel.Warning, "Dify stream for run {WorkflowRunId} dropped; resuming through the events endpoint (attempt {Attempt} of {MaxAttempts}).")]
    public static partial void Resuming(ILogger logger, string workflowRunId, int attempt, int maxAttempts, Exception exception);

    [LoggerMessage(2107, LogLevel.Debug, "Dify stream sent an event this client does not model: {EventName}.")]
    public static partial void UnknownEvent(ILogger logger, string eventName);

    [LoggerMessage(2108, LogLevel.Warning, "Dify stream sent a data line that is not JSON ({Length} characters); skipped.")]
    public static partial void SkippedNonJson(ILogger logger, int length);

    [LoggerMessage(2109, LogLevel.Information, "Cancelled; asking Dify to stop task {TaskId}.")]
    public static partial void StoppingOnCancel(ILogger logger, string taskId);

    [LoggerMessage(2110, LogLevel.Warning, "Could not stop Dify task {TaskId} after cancellation; the run may go on.")]
    public static partial void StopOnCancelFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(2111, LogLevel.Trace, "Dify event {EventName}: {Payload}")]
    public static partial void EventPayload(ILogger logger, string eventName, string payload);

    [LoggerMessage(2112, LogLevel.Warning, "Dify stream for run {WorkflowRunId} could not be resumed; confirmed status {Status} through run detail.")]
    public static partial void ConfirmedThroughDetail(ILogger logger, string workflowRunId, string status);
}
