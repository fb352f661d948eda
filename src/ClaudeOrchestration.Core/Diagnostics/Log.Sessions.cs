using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Diagnostics;

/// <summary>Log messages of <c>ClaudeOrchestration.Sessions</c> (event ids 200–249).</summary>
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Information, "Session {SessionId} started claude process {ProcessId}.")]
    public static partial void SessionStarted(ILogger logger, string? sessionId, int processId);

    [LoggerMessage(201, LogLevel.Information, "Session {SessionId} (process {ProcessId}) closed.")]
    public static partial void SessionClosed(ILogger logger, string? sessionId, int processId);

    [LoggerMessage(202, LogLevel.Warning, "Session {SessionId} (process {ProcessId}) faulted; resume it with ResumeAsync.")]
    public static partial void SessionFaulted(ILogger logger, string? sessionId, int processId, Exception exception);

    [LoggerMessage(203, LogLevel.Debug, "Session {SessionId} turn finished: {Subtype}, terminal reason {TerminalReason}.")]
    public static partial void TurnFinished(ILogger logger, string? sessionId, string? subtype, string? terminalReason);

    [LoggerMessage(204, LogLevel.Information, "Session {SessionId} turn cancelled; sending an interrupt to the CLI.")]
    public static partial void TurnInterrupting(ILogger logger, string? sessionId);

    [LoggerMessage(205, LogLevel.Debug, "Session {SessionId}: the CLI sent control request {Subtype} ({RequestId}).")]
    public static partial void ControlRequestReceived(ILogger logger, string? sessionId, string? subtype, string requestId);

    [LoggerMessage(206, LogLevel.Warning, "Session {SessionId}: the callback for control request {Subtype} ({RequestId}) failed with error id {ErrorId}; the CLI got an error reply.")]
    public static partial void CallbackFailed(ILogger logger, string? sessionId, string? subtype, string requestId, string errorId, Exception exception);

    [LoggerMessage(207, LogLevel.Debug, "Session {SessionId}: the CLI withdrew control request {RequestId}; its callback was cancelled.")]
    public static partial void CallbackCancelledByCli(ILogger logger, string? sessionId, string requestId);

    [LoggerMessage(208, LogLevel.Warning, "Session {SessionId}: the CLI sent an unsupported control request {Subtype}; answered with an error.")]
    public static partial void UnsupportedControlRequest(ILogger logger, string? sessionId, string? subtype);

    [LoggerMessage(209, LogLevel.Debug, "Session {SessionId}: could not answer control request {RequestId}; the CLI is gone.")]
    public static partial void ControlReplyFailed(ILogger logger, string? sessionId, string requestId, Exception exception);

    [LoggerMessage(210, LogLevel.Trace, "Session {SessionId}: message {Type} arrived outside a turn.")]
    public static partial void OutOfTurnMessage(ILogger logger, string? sessionId, string type);

    [LoggerMessage(211, LogLevel.Warning, "Session {SessionId}: the out-of-turn message callback threw.")]
    public static partial void OutOfTurnCallbackFailed(ILogger logger, string? sessionId, Exception exception);

    [LoggerMessage(212, LogLevel.Warning, "Session {SessionId}: the CLI did not end the turn within {Timeout} after an interrupt; stopping the process.")]
    public static partial void InterruptTimedOut(ILogger logger, string? sessionId, TimeSpan timeout);

    [LoggerMessage(220, LogLevel.Information, "Session pool started a session for key {Key}.")]
    public static partial void PoolSessionCreated(ILogger logger, string key);

    [LoggerMessage(221, LogLevel.Information, "Session pool closed the session for key {Key}: {Reason}.")]
    public static partial void PoolSessionEvicted(ILogger logger, string key, string reason);

    [LoggerMessage(222, LogLevel.Information, "Session pool is resuming the faulted session for key {Key} (session {SessionId}).")]
    public static partial void PoolSessionResuming(ILogger logger, string key, string? sessionId);

    [LoggerMessage(223, LogLevel.Warning, "Session pool could not close the session for key {Key}.")]
    public static partial void PoolCloseFailed(ILogger logger, string key, Exception exception);
}
