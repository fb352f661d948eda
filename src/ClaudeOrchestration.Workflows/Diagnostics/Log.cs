using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Workflows.Diagnostics;

/// <summary>Source-generated log messages. Node inputs and outputs (prompts, replies) are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Workflow run {RunId} ({Workflow}) started (resumed: {Resumed}).")]
    public static partial void RunStarted(ILogger logger, string runId, string workflow, bool resumed);

    [LoggerMessage(2, LogLevel.Information, "Workflow run {RunId} ended: {Status}.")]
    public static partial void RunFinished(ILogger logger, string runId, string status);

    [LoggerMessage(3, LogLevel.Warning, "Workflow run {RunId} failed: {Reason}")]
    public static partial void RunFailed(ILogger logger, string runId, string reason);

    [LoggerMessage(4, LogLevel.Debug, "Node {NodePath} of run {RunId} ended: {Status} after {Attempts} attempt(s).")]
    public static partial void NodeFinished(ILogger logger, string runId, string nodePath, string status, int attempts);

    [LoggerMessage(5, LogLevel.Warning, "Node {NodePath} of run {RunId} failed.")]
    public static partial void NodeFailed(ILogger logger, string runId, string nodePath, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Node {NodePath} of run {RunId} failed attempt {Attempt}; retrying in {Delay}.")]
    public static partial void NodeRetrying(ILogger logger, string runId, string nodePath, int attempt, TimeSpan delay);

    [LoggerMessage(7, LogLevel.Information, "Run {RunId} waits for approval at {NodePath}.")]
    public static partial void ApprovalRequested(ILogger logger, string runId, string nodePath);

    [LoggerMessage(8, LogLevel.Information, "Approval at {NodePath} of run {RunId}: {Decision}.")]
    public static partial void ApprovalDecided(ILogger logger, string runId, string nodePath, string decision);

    [LoggerMessage(9, LogLevel.Warning, "Writing the final state of run {RunId} failed; the run stays resumable from its last checkpoint.")]
    public static partial void FinalStateWriteFailed(ILogger logger, string runId, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Workflow run {RunId} stopped here: another engine sharing the run store claimed it (this engine could not renew its claim in time).")]
    public static partial void RunClaimLost(ILogger logger, string runId);

    [LoggerMessage(11, LogLevel.Warning, "Renewing the claim on workflow run {RunId} failed; trying again at the next renewal.")]
    public static partial void RunClaimRenewalFailed(ILogger logger, string runId, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Workflow run {RunId} was not resumed at start-up: another engine sharing the run store is executing it.")]
    public static partial void ResumeSkippedClaimed(ILogger logger, string runId);

    [LoggerMessage(13, LogLevel.Warning, "Releasing the claim on workflow run {RunId} failed; it lapses by itself.")]
    public static partial void RunClaimReleaseFailed(ILogger logger, string runId, Exception exception);
}
