namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>The run statuses Dify reports, as constants (the wire values).</summary>
public static class DifyWorkflowStatus
{
    /// <summary>Still executing.</summary>
    public const string Running = "running";

    /// <summary>Finished successfully.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Finished with an error (a node failed, or the workflow did).</summary>
    public const string Failed = "failed";

    /// <summary>Stopped through the stop endpoint or the console.</summary>
    public const string Stopped = "stopped";

    /// <summary>Finished, with some nodes failed under a continue-on-error strategy.</summary>
    public const string PartialSucceeded = "partial-succeeded";

    /// <summary>Waiting for human input; resume by submitting the form and following the events endpoint.</summary>
    public const string Paused = "paused";

    /// <summary>Whether <paramref name="status"/> means the run will not change any more (everything but running and paused).</summary>
    /// <param name="status">A status value.</param>
    /// <returns><see langword="true"/> for succeeded, failed, stopped and partial-succeeded.</returns>
    public static bool IsFinished(string? status) =>
        status is Succeeded or Failed or Stopped or PartialSucceeded;
}
