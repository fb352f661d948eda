using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Testing;

/// <summary>Source-generated log messages of the scripted server. Prompts and replies are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Scripted Messages API server listening on {BaseUrl}.")]
    public static partial void Started(ILogger logger, Uri baseUrl);

    [LoggerMessage(2, LogLevel.Debug, "Request #{Sequence} {Method} {Path} answered by {Source} with status {StatusCode}.")]
    public static partial void Answered(ILogger logger, int sequence, string method, string path, ReplySource source, int statusCode);

    [LoggerMessage(3, LogLevel.Warning, "A When rule threw while handling request #{Sequence}; the request is answered with a 500 api_error.")]
    public static partial void RuleFailed(ILogger logger, int sequence, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Request #{Sequence} was abandoned before its reply was complete (client gone or server stopping).")]
    public static partial void Abandoned(ILogger logger, int sequence);

    [LoggerMessage(5, LogLevel.Error, "Request #{Sequence} failed while its reply was being written.")]
    public static partial void ReplyFailed(ILogger logger, int sequence, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "Scripted Messages API server on {BaseUrl} stopped.")]
    public static partial void Stopped(ILogger logger, Uri baseUrl);
}
