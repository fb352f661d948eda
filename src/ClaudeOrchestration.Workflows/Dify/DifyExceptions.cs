namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>
/// A Dify call failed: an HTTP error with Dify's <c>{code, message, status}</c> body, a terminal <c>error</c> event inside a
/// stream, a connection that could not be made or dropped, or a timeout. The message names the operation; it never holds the API key.
/// </summary>
public class DifyApiException : Exception
{
    /// <summary>The code for a server that could not be reached.</summary>
    public const string ConnectionFailedCode = "connection_failed";

    /// <summary>The code for a stream that ended or broke before <c>workflow_finished</c>.</summary>
    public const string StreamInterruptedCode = "stream_interrupted";

    /// <summary>The code for a connection that broke while a request was sent or its response read (not a refused connection).</summary>
    public const string TransportErrorCode = "transport_error";

    /// <summary>The code for a request that exceeded <see cref="DifyClientOptions.RequestTimeout"/> or a stream silent past <see cref="DifyClientOptions.StreamIdleTimeout"/>.</summary>
    public const string TimeoutCode = "timeout";

    /// <summary>Creates an exception (for tests and wrappers; the client builds them itself).</summary>
    /// <param name="operation">The operation that failed, e.g. <c>run workflow</c>.</param>
    /// <param name="statusCode">The HTTP status, or <see langword="null"/> when no response arrived.</param>
    /// <param name="code">Dify's error code (e.g. <c>invalid_param</c>) or one of this type's client-side codes.</param>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DifyApiException(string operation, int? statusCode, string? code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>The operation that failed: <c>run workflow</c>, <c>stream workflow</c>, <c>get workflow run</c>, <c>stop workflow task</c> or <c>resume workflow events</c>.</summary>
    public string Operation { get; }

    /// <summary>The HTTP status Dify answered with (or the <c>status</c> of a stream's <c>error</c> event); <see langword="null"/> when no response arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>Dify's error code (<c>invalid_param</c>, <c>unauthorized</c>, <c>too_many_requests</c>, …) or <see cref="ConnectionFailedCode"/>, <see cref="StreamInterruptedCode"/>, <see cref="TimeoutCode"/>.</summary>
    public string? Code { get; }

    /// <summary>The run id, when the failure happened after Dify reported it (resume or inspect the run with it).</summary>
    public string? WorkflowRunId { get; init; }

    /// <summary>The task id, when known.</summary>
    public string? TaskId { get; init; }
}

/// <summary>A workflow run finished in Dify without succeeding (thrown by <see cref="DifyWorkflowRunResult.EnsureSucceeded"/>).</summary>
public sealed class DifyWorkflowFailedException : Exception
{
    /// <summary>Creates the exception for a result.</summary>
    /// <param name="result">The run's result.</param>
    public DifyWorkflowFailedException(DifyWorkflowRunResult result)
        : base(BuildMessage(result))
    {
        Result = result;
    }

    /// <summary>The run's result, with status, error and any outputs.</summary>
    public DifyWorkflowRunResult Result { get; }

    private static string BuildMessage(DifyWorkflowRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var error = string.IsNullOrEmpty(result.Data.Error) ? "" : $": {result.Data.Error}";
        return $"Dify workflow run {result.WorkflowRunId} ended with status '{result.Data.Status}'{error}";
    }
}
