using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Diagnostics;

/// <summary>
/// Source-generated log messages. Prompts, replies, argv and stderr content are logged only at Trace (and redacted);
/// the environment is never logged; exception messages never quote stderr (failures carry it in a property instead).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Started claude process {ProcessId} with {ArgumentCount} arguments (own process group: {OwnGroup}).")]
    public static partial void ProcessStarted(ILogger logger, int processId, int argumentCount, bool ownGroup);

    [LoggerMessage(2, LogLevel.Debug, "claude process {ProcessId} exited with code {ExitCode}.")]
    public static partial void ProcessExited(ILogger logger, int processId, int exitCode);

    [LoggerMessage(3, LogLevel.Information, "Stopping claude process {ProcessId} (stdin closed, SIGTERM to its group).")]
    public static partial void ProcessTerminating(ILogger logger, int processId);

    [LoggerMessage(4, LogLevel.Warning, "claude process {ProcessId} did not stop within the grace period; killed it and its process tree.")]
    public static partial void ProcessKilled(ILogger logger, int processId);

    [LoggerMessage(5, LogLevel.Debug, "Killed processes left in the process group of claude process {ProcessId}.")]
    public static partial void ProcessGroupSwept(ILogger logger, int processId);

    [LoggerMessage(6, LogLevel.Trace, "claude[{ProcessId}] stderr: {Line}")]
    public static partial void StderrLine(ILogger logger, int processId, string line);

    [LoggerMessage(7, LogLevel.Warning, "The stderr callback threw; the line was still recorded.")]
    public static partial void StderrCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "Skipped a stdout line from claude process {ProcessId} that is not a JSON object ({Length} bytes).")]
    public static partial void SkippedNonJsonLine(ILogger logger, int processId, long length);

    [LoggerMessage(9, LogLevel.Information, "Task {TaskId} started claude process {ProcessId}.")]
    public static partial void TaskStarted(ILogger logger, string taskId, int processId);

    [LoggerMessage(10, LogLevel.Information, "Task {TaskId} finished: {Subtype}, error {IsError}, {Turns} turns, ${CostUsd}.")]
    public static partial void TaskFinished(ILogger logger, string taskId, string subtype, bool isError, int turns, decimal costUsd);

    [LoggerMessage(11, LogLevel.Warning, "Task {TaskId} failed.")]
    public static partial void TaskFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Task {TaskId} was cancelled.")]
    public static partial void TaskCancelled(ILogger logger, string taskId);

    [LoggerMessage(13, LogLevel.Information, "Using claude CLI {Version} at {Path}.")]
    public static partial void CliResolved(ILogger logger, string version, string path);

    /// <summary>Logs argv at Trace with secret-looking values masked (a flag in ExtraArgs may carry one).</summary>
    public static void Arguments(ILogger logger, string arguments)
    {
        if (logger.IsEnabled(LogLevel.Trace))
        {
            ArgumentsCore(logger, SecretRedactor.ForHost().Redact(arguments));
        }
    }

    [LoggerMessage(14, LogLevel.Trace, "claude arguments: {Arguments}")]
    private static partial void ArgumentsCore(ILogger logger, string arguments);

    [LoggerMessage(15, LogLevel.Debug, "claude process {ProcessId} exited but something outside its process group still holds its stdout or stderr; stopped reading them.")]
    public static partial void PipesAbandoned(ILogger logger, int processId);
}
