using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;

namespace ClaudeOrchestration.Workflows.Dify;

// Streams: reading SSE into events, resuming dropped streams, stopping the task on cancellation.
public sealed partial class DifyClient
{
    private async IAsyncEnumerable<DifyWorkflowEvent> StreamWithStopAsync(
        string operation, string user, StreamState state, Func<StreamState, IAsyncEnumerable<DifyWorkflowEvent>> open,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = StartActivity(operation);
        try
        {
            await foreach (var workflowEvent in open(state).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (workflowEvent is DifyWorkflowFinishedEvent finished)
                {
                    activity?.SetTag("dify.workflow.status", finished.Data.Status);
                }

                yield return workflowEvent;
            }
        }
        finally
        {
            activity?.SetTag("dify.workflow_run_id", state.WorkflowRunId);
            activity?.SetTag("dify.task_id", state.TaskId);
            if (cancellationToken.IsCancellationRequested && !state.Finished && _options.StopTaskOnCancellation && state.TaskId is { } taskId)
            {
                await StopQuietlyAsync(taskId, user).ConfigureAwait(false);
            }
        }
    }

    private async Task StopQuietlyAsync(string taskId, string user)
    {
        DifyLog.StoppingOnCancel(_logger, taskId);
        try
        {
            // The caller's token is cancelled; the stop gets its own budget (RequestTimeout per attempt).
            await StopWorkflowTaskAsync(taskId, user, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DifyApiException or HttpRequestException or ObjectDisposedException or OperationCanceledException)
        {
            // Best effort: a failed stop must not replace the caller's cancellation with another exception.
            DifyLog.StopOnCancelFailed(_logger, taskId, exception);
        }
    }

    private async IAsyncEnumerable<DifyWorkflowEvent> StreamResumingCoreAsync(
        DifyWorkflowRunRequest request, StreamState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var attempts = 0;
        var events = StreamRunCoreAsync(request, state, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool hasEvent;
                try
                {
                    hasEvent = await events.MoveNextAsync().ConfigureAwait(false);
                }
                catch (DifyApiException exception) when (IsDrop(exception) && state.WorkflowRunId is not null && attempts < _options.MaxResumeAttempts)
                {
                    attempts++;
                    DifyLog.Resuming(_logger, state.WorkflowRunId, attempts, _options.MaxResumeAttempts, exception);
                    await events.DisposeAsync().ConfigureAwait(false);
                    events = StreamEventsCoreAsync(state.WorkflowRunId, request.User, includeStateSnapshot: false, state, cancellationToken)
                        .GetAsyncEnumerator(cancellationToken);
                    continue;
                }

                if (!hasEvent)
                {
                    yield break;
                }

                yield return events.Current;
            }
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IAsyncEnumerable<DifyWorkflowEvent> StreamRunCoreAsync(DifyWorkflowRunRequest request, StreamState state, CancellationToken cancellationToken)
    {
        var body = SerializeRunRequest(request, "streaming");
        return ReadStreamAsync(DifyOperations.Stream, HttpMethod.Post, RunPath(request), body, _runPipeline, state, cancellationToken);
    }

    private IAsyncEnumerable<DifyWorkflowEvent> StreamEventsCoreAsync(
        string workflowRunId, string user, bool includeStateSnapshot, StreamState state, CancellationToken cancellationToken)
    {
        var path = $"workflow/{Uri.EscapeDataString(workflowRunId)}/events?user={Uri.EscapeDataString(user)}"
            + (includeStateSnapshot ? "&include_state_snapshot=true" : "");
        return ReadStreamAsync(DifyOperations.Resume, HttpMethod.Get, path, null, _idempotentPipeline, state, cancellationToken);
    }

    private async IAsyncEnumerable<DifyWorkflowEvent> ReadStreamAsync(
        string operation, HttpMethod method, string path, byte[]? body, ResiliencePipeline<HttpResponseMessage> pipeline, StreamState state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync(operation, method, path, body, streaming: true, pipeline, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = stream.ConfigureAwait(false);
        var frames = DifyServerSentEvents.ReadAsync(stream, _options.StreamIdleTimeout, _timeProvider, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        await using var __ = frames.ConfigureAwait(false);
        var terminal = false;
        while (true)
        {
            bool hasFrame;
            try
            {
                hasFrame = await frames.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                throw Interrupted(operation, state, exception);
            }

            if (!hasFrame)
            {
                break;
            }

            var frame = frames.Current;
            DifyWorkflowEvent workflowEvent;
            try
            {
                workflowEvent = DifyEventParser.Parse(frame.Data, frame.EventName);
            }
            catch (JsonException)
            {
                DifyLog.SkippedNonJson(_logger, frame.Data.Length);
                continue;
            }

            if (_logger.IsEnabled(LogLevel.Trace))
            {
                DifyLog.EventPayload(_logger, workflowEvent.Event, frame.Data);
            }

            if (workflowEvent.Event == "error")
            {
                throw StreamError(operation, state, workflowEvent.Raw);
            }

            state.TaskId = workflowEvent.TaskId ?? state.TaskId;
            if (state.WorkflowRunId is null && workflowEvent.WorkflowRunId is { } runId)
            {
                state.WorkflowRunId = runId;
                DifyLog.RunStarted(_logger, runId, state.TaskId);
            }

            switch (workflowEvent)
            {
                case DifyWorkflowFinishedEvent finished:
                    terminal = true;
                    state.Finished = true;
                    DifyLog.RunFinished(_logger, state.WorkflowRunId, finished.Data.Status, finished.Data.ElapsedTime, finished.Data.TotalTokens);
                    break;
                case DifyWorkflowPausedEvent:
                    terminal = true;
                    state.Finished = true;
                    break;
                case DifyUnknownEvent unknown:
                    DifyLog.UnknownEvent(_logger, unknown.Event);
                    break;
            }

            yield return workflowEvent;
        }

        if (!terminal)
        {
            throw Interrupted(operation, state, null);
        }
    }

    private static DifyApiException Interrupted(string operation, StreamState state, Exception? cause)
    {
        var timeout = cause is TimeoutException;
        var reason = cause is null ? "the server closed the stream before workflow_finished" : cause.Message;
        var run = state.WorkflowRunId is null ? " before the run id was known" : $" (workflow run {state.WorkflowRunId}; resume it through the events endpoint)";
        return new DifyApiException(operation, null, timeout ? DifyApiException.TimeoutCode : DifyApiException.StreamInterruptedCode,
            $"Dify {operation} was interrupted{run}: {reason}", cause)
        {
            WorkflowRunId = state.WorkflowRunId,
            TaskId = state.TaskId,
        };
    }

    private static DifyApiException StreamError(string operation, StreamState state, JsonElement raw)
    {
        DifyErrorWire? error = null;
        try
        {
            error = raw.Deserialize(DifyJsonContext.Default.DifyErrorWire);
        }
        catch (JsonException)
        {
            // Fall through with what is known: an error event whose fields are not the documented ones.
        }

        var code = error?.Code ?? "unknown_error";
        var message = error?.Message ?? Truncate(raw.GetRawText());
        return new DifyApiException(operation, error?.Status, code, $"Dify {operation} reported an error in the stream ({code}): {message}")
        {
            WorkflowRunId = error?.WorkflowRunId ?? state.WorkflowRunId,
            TaskId = error?.TaskId ?? state.TaskId,
        };
    }

    /// <summary>What a stream has learned so far, shared across reconnections.</summary>
    private sealed class StreamState
    {
        public string? WorkflowRunId { get; set; }

        public string? TaskId { get; set; }

        public bool Finished { get; set; }
    }
}
