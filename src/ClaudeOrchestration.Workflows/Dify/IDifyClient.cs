namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>
/// Runs one Dify app's published workflow through the service API and follows its runs. The API key in
/// <see cref="DifyClientOptions"/> selects the app; register one client per app.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IDifyClient
{
    /// <summary>Runs the workflow in blocking mode (<c>POST /workflows/run</c>) and returns its final state.</summary>
    /// <param name="request">The inputs and end user.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The result; a run that failed inside Dify is a result with status <c>failed</c>, not an exception.</returns>
    /// <exception cref="DifyApiException">Dify refused the request, could not be reached, or did not answer in time.</exception>
    /// <remarks>Dify Cloud ends blocking requests after 100 seconds; cancelling abandons the request but Dify finishes the run. Stream longer workflows.</remarks>
    Task<DifyWorkflowRunResult> RunWorkflowAsync(DifyWorkflowRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs the workflow in streaming mode and yields its events as they arrive, until <c>workflow_finished</c> or <c>workflow_paused</c>.</summary>
    /// <param name="request">The inputs and end user.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The events; <c>ping</c> keep-alives are skipped.</returns>
    /// <exception cref="DifyApiException">The request failed, the stream sent an <c>error</c> event, or it dropped (code <c>stream_interrupted</c> or
    /// <c>timeout</c>, with <see cref="DifyApiException.WorkflowRunId"/> set when known so the caller can resume).</exception>
    IAsyncEnumerable<DifyWorkflowEvent> StreamWorkflowAsync(DifyWorkflowRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="StreamWorkflowAsync"/>, but when the stream drops after the run id is known it follows the run through the events
    /// endpoint, up to <see cref="DifyClientOptions.MaxResumeAttempts"/> times. Events sent while disconnected may be missing or repeated.
    /// </summary>
    /// <param name="request">The inputs and end user.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The events of the run, across reconnections.</returns>
    /// <exception cref="DifyApiException">As for <see cref="StreamWorkflowAsync"/>, once the resume attempts are spent.</exception>
    IAsyncEnumerable<DifyWorkflowEvent> StreamWorkflowWithResumeAsync(DifyWorkflowRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the workflow streaming (so it is not subject to the 100-second proxy limit), resuming dropped streams, and returns the final
    /// state; when resuming fails it confirms the outcome through run detail. This is the call a workflow engine node wants.
    /// </summary>
    /// <param name="request">The inputs and end user.</param>
    /// <param name="onEvent">Called for each event in order (e.g. to forward text chunks), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.
    /// Cancelling also stops the Dify task when <see cref="DifyClientOptions.StopTaskOnCancellation"/> is set.</param>
    /// <returns>The result (status <c>paused</c> when the run waits for human input).</returns>
    /// <exception cref="DifyApiException">The run could not be started, failed with a stream <c>error</c>, or its outcome could not be established.</exception>
    Task<DifyWorkflowRunResult> RunWorkflowStreamingAsync(
        DifyWorkflowRunRequest request, Func<DifyWorkflowEvent, CancellationToken, ValueTask>? onEvent = null, CancellationToken cancellationToken = default);

    /// <summary>Follows an existing run through <c>GET /workflow/{workflow_run_id}/events</c>; a finished run yields one <c>workflow_finished</c>.</summary>
    /// <param name="workflowRunId">The run id.</param>
    /// <param name="user">The end user who started the run (another user gets 404).</param>
    /// <param name="includeStateSnapshot">Whether Dify first replays the nodes already executed.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The run's events from now on.</returns>
    /// <exception cref="DifyApiException">As for <see cref="StreamWorkflowAsync"/>.</exception>
    IAsyncEnumerable<DifyWorkflowEvent> ResumeWorkflowEventsAsync(
        string workflowRunId, string user, bool includeStateSnapshot = false, CancellationToken cancellationToken = default);

    /// <summary>Reads a run's state (<c>GET /workflows/run/{workflow_run_id}</c>).</summary>
    /// <param name="workflowRunId">The run id.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The run detail; its <see cref="DifyWorkflowRunDetail.Inputs"/> is a raw JSON string.</returns>
    /// <exception cref="DifyApiException">Dify refused the request (404 for an unknown run) or could not be reached.</exception>
    Task<DifyWorkflowRunDetail> GetWorkflowRunAsync(string workflowRunId, CancellationToken cancellationToken = default);

    /// <summary>Stops a streaming run's task (<c>POST /workflows/tasks/{task_id}/stop</c>); blocking runs cannot be stopped.</summary>
    /// <param name="taskId">The task id from the stream's events.</param>
    /// <param name="user">The end user who started the run.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when Dify accepted the stop.</returns>
    /// <exception cref="DifyApiException">Dify refused the request or could not be reached.</exception>
    Task StopWorkflowTaskAsync(string taskId, string user, CancellationToken cancellationToken = default);
}
