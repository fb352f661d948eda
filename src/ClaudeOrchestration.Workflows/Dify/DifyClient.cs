using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace ClaudeOrchestration.Workflows.Dify;

/// <summary>The <see cref="IDifyClient"/> over Dify's service API, built on an <see cref="HttpClient"/> (usually from <see cref="IHttpClientFactory"/>).</summary>
/// <remarks>
/// <para>Thread-safe. The client sets the <c>Authorization</c> header per request and builds absolute URLs from
/// <see cref="DifyClientOptions.BaseUrl"/>, so the <see cref="HttpClient"/> needs no configuration, except that its own
/// <see cref="HttpClient.Timeout"/> should be infinite (the <c>AddDifyClient</c> methods set it): long streams are bounded by
/// <see cref="DifyClientOptions.StreamIdleTimeout"/> instead.</para>
/// <para>Retries: <c>POST /workflows/run</c> is not idempotent, so it is retried only when Dify cannot have started the run: the
/// connection was refused, or Dify answered 429 or 503. Reads, resumes and stops are retried on 408, 429, 5xx, timeouts and transport errors.
/// A stream is never retried once its response began; dropped streams are resumed instead.</para>
/// </remarks>
public sealed class DifyClient : IDifyClient
{
    private const int ErrorBodyLimit = 4096;
    private const int ErrorQuoteLength = 300;

    private static readonly ResiliencePropertyKey<string> OperationKey = new("dify.operation");
    private static readonly ActivitySource Source = new(WorkflowsPackage.TelemetryName);

    private readonly HttpClient _httpClient;
    private readonly DifyClientOptions _options;
    private readonly Uri _baseUrl;
    private readonly string _apiKey;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline<HttpResponseMessage> _runPipeline;
    private readonly ResiliencePipeline<HttpResponseMessage> _idempotentPipeline;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClient">The HTTP client; its <see cref="HttpClient.Timeout"/> should be <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="logger">The logger, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The time source for timeouts and retry delays, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException"><paramref name="options"/> is invalid; the message says how to fix it.</exception>
    public DifyClient(HttpClient httpClient, DifyClientOptions options, ILogger<DifyClient>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new DifyClientOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(DifyClientOptions), validation.Failures);
        }

        _httpClient = httpClient;
        _options = options;
        _baseUrl = options.NormalizedBaseUrl;
        _apiKey = options.ApiKey;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _runPipeline = BuildPipeline(idempotent: false);
        _idempotentPipeline = BuildPipeline(idempotent: true);
    }

    /// <inheritdoc />
    public async Task<DifyWorkflowRunResult> RunWorkflowAsync(DifyWorkflowRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.User, nameof(request));
        using var activity = StartActivity(DifyOperations.Run);
        try
        {
            var body = SerializeRunRequest(request, "blocking");
            using var response = await SendAsync(DifyOperations.Run, HttpMethod.Post, RunPath(request), body, streaming: false, _runPipeline, cancellationToken).ConfigureAwait(false);
            var result = await ReadJsonAsync(DifyOperations.Run, response, DifyJsonContext.Default.DifyWorkflowRunResult, cancellationToken).ConfigureAwait(false);
            DifyLog.RunFinished(_logger, result.WorkflowRunId, result.Data.Status, result.Data.ElapsedTime, result.Data.TotalTokens);
            Tag(activity, result);
            return result;
        }
        catch (Exception exception) when (activity is not null && exception is not OperationCanceledException)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<DifyWorkflowEvent> StreamWorkflowAsync(DifyWorkflowRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.User, nameof(request));
        return StreamWithStopAsync(DifyOperations.Stream, request.User, new StreamState(), state => StreamRunCoreAsync(request, state, default), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<DifyWorkflowEvent> StreamWorkflowWithResumeAsync(DifyWorkflowRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.User, nameof(request));
        return StreamWithStopAsync(DifyOperations.Stream, request.User, new StreamState(), state => StreamResumingCoreAsync(request, state, default), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<DifyWorkflowEvent> ResumeWorkflowEventsAsync(
        string workflowRunId, string user, bool includeStateSnapshot = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowRunId);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var state = new StreamState { WorkflowRunId = workflowRunId };
        return StreamWithStopAsync(DifyOperations.Resume, user, state, s => StreamEventsCoreAsync(workflowRunId, user, includeStateSnapshot, s, default), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DifyWorkflowRunResult> RunWorkflowStreamingAsync(
        DifyWorkflowRunRequest request, Func<DifyWorkflowEvent, CancellationToken, ValueTask>? onEvent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.User, nameof(request));
        DifyWorkflowRunResult? result = null;
        try
        {
            await foreach (var workflowEvent in StreamWorkflowWithResumeAsync(request, cancellationToken).ConfigureAwait(false))
            {
                if (onEvent is not null)
                {
                    await onEvent(workflowEvent, cancellationToken).ConfigureAwait(false);
                }

                result = workflowEvent switch
                {
                    DifyWorkflowFinishedEvent finished => new DifyWorkflowRunResult
                    {
                        TaskId = finished.TaskId,
                        WorkflowRunId = finished.WorkflowRunId ?? finished.Data.Id,
                        Data = finished.Data,
                    },
                    DifyWorkflowPausedEvent paused => PausedResult(paused),
                    _ => result,
                };
            }
        }
        catch (DifyApiException exception) when (exception.WorkflowRunId is { } runId && IsDrop(exception))
        {
            // Resuming did not bring the run to an end; the run detail is the authority on whether it finished.
            var detail = await GetWorkflowRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (!DifyWorkflowStatus.IsFinished(detail.Status))
            {
                throw;
            }

            DifyLog.ConfirmedThroughDetail(_logger, runId, detail.Status);
            return detail.ToRunResult(exception.TaskId);
        }

        // The stream throws when it ends without a terminal event, so a missing result means the server broke the protocol.
        return result ?? throw new DifyApiException(DifyOperations.Stream, null, DifyApiException.StreamInterruptedCode,
            $"Dify {DifyOperations.Stream} ended without workflow_finished.");
    }

    /// <inheritdoc />
    public async Task<DifyWorkflowRunDetail> GetWorkflowRunAsync(string workflowRunId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowRunId);
        using var activity = StartActivity(DifyOperations.GetRun);
        activity?.SetTag("dify.workflow_run_id", workflowRunId);
        var path = $"workflows/run/{Uri.EscapeDataString(workflowRunId)}";
        using var response = await SendAsync(DifyOperations.GetRun, HttpMethod.Get, path, null, streaming: false, _idempotentPipeline, cancellationToken).ConfigureAwait(false);
        var detail = await ReadJsonAsync(DifyOperations.GetRun, response, DifyJsonContext.Default.DifyWorkflowRunDetail, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("dify.workflow.status", detail.Status);
        return detail;
    }

    /// <inheritdoc />
    public async Task StopWorkflowTaskAsync(string taskId, string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        using var activity = StartActivity(DifyOperations.Stop);
        activity?.SetTag("dify.task_id", taskId);
        var body = JsonSerializer.SerializeToUtf8Bytes(new DifyStopRequestWire(user), DifyJsonContext.Default.DifyStopRequestWire);
        var path = $"workflows/tasks/{Uri.EscapeDataString(taskId)}/stop";
        using var response = await SendAsync(DifyOperations.Stop, HttpMethod.Post, path, body, streaming: false, _idempotentPipeline, cancellationToken).ConfigureAwait(false);
    }

    private static string RunPath(DifyWorkflowRunRequest request) =>
        request.WorkflowVersionId is { Length: > 0 } version ? $"workflows/{Uri.EscapeDataString(version)}/run" : "workflows/run";

    private static byte[] SerializeRunRequest(DifyWorkflowRunRequest request, string responseMode) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new DifyRunRequestWire(request.Inputs, responseMode, request.User, request.Files), DifyJsonContext.Default.DifyRunRequestWire);

    private static DifyWorkflowRunResult PausedResult(DifyWorkflowPausedEvent paused)
    {
        var runId = paused.WorkflowRunId
            ?? (paused.Raw.ValueKind == JsonValueKind.Object && paused.Raw.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("workflow_run_id", out var id) ? id.GetString() : null)
            ?? "";
        return new DifyWorkflowRunResult
        {
            TaskId = paused.TaskId,
            WorkflowRunId = runId,
            Data = new DifyWorkflowFinishedData
            {
                Id = runId,
                Status = DifyWorkflowStatus.Paused,
                Outputs = paused.Data.Outputs,
                ElapsedTime = paused.Data.ElapsedTime ?? 0,
                TotalTokens = paused.Data.TotalTokens ?? 0,
                TotalSteps = paused.Data.TotalSteps ?? 0,
                CreatedAt = paused.Data.CreatedAt,
            },
        };
    }

    private static bool IsDrop(DifyApiException exception) =>
        exception.Code is DifyApiException.StreamInterruptedCode or DifyApiException.TimeoutCode
            or DifyApiException.ConnectionFailedCode or DifyApiException.TransportErrorCode;

    private static Activity? StartActivity(string operation)
    {
        var activity = Source.StartActivity($"dify {operation}", ActivityKind.Client);
        activity?.SetTag("dify.operation", operation);
        return activity;
    }

    private static void Tag(Activity? activity, DifyWorkflowRunResult result)
    {
        activity?.SetTag("dify.workflow_run_id", result.WorkflowRunId);
        activity?.SetTag("dify.task_id", result.TaskId);
        activity?.SetTag("dify.workflow.status", result.Data.Status);
        activity?.SetTag("gen_ai.usage.total_tokens", result.Data.TotalTokens);
    }

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
        catch (DifyApiException exception)
        {
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

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(bool idempotent)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _timeProvider };
        if (_options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                Delay = _options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, idempotent)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    var operation = args.Context.Properties.GetValue(OperationKey, "request");
                    var reason = args.Outcome.Result is { } response ? $"HTTP {(int)response.StatusCode}" : args.Outcome.Exception?.GetType().Name ?? "failure";
                    DifyLog.Retrying(_logger, operation, args.AttemptNumber + 1, args.RetryDelay, reason);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        return builder.Build();
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, bool idempotent)
    {
        if (outcome.Result is { } response)
        {
            var status = (int)response.StatusCode;
            return status is 429 or 503 || (idempotent && status is 408 or 500 or 502 or 504);
        }

        return outcome.Exception switch
        {
            // Refused before a byte was sent: Dify cannot have started anything, so even a run is safe to repeat.
            DifyApiException { Code: DifyApiException.ConnectionFailedCode } => true,
            DifyApiException { Code: DifyApiException.TimeoutCode or DifyApiException.TransportErrorCode } => idempotent,
            _ => false,
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var retryAfter = response?.Headers.RetryAfter;
        var delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } value && value > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(value.Ticks, TimeSpan.FromMinutes(1).Ticks)) : null;
    }

    private async Task<HttpResponseMessage> SendAsync(
        string operation, HttpMethod method, string path, byte[]? body, bool streaming, ResiliencePipeline<HttpResponseMessage> pipeline,
        CancellationToken cancellationToken)
    {
        var url = new Uri(_baseUrl, path);
        DifyLog.Request(_logger, operation, method.Method, url.AbsolutePath);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OperationKey, operation);
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Client.SendOnceAsync(state.Operation, state.Method, state.Url, state.Body, state.Streaming, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Client: this, Operation: operation, Method: method, Url: url, Body: body, Streaming: streaming)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await HttpErrorAsync(operation, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        string operation, HttpMethod method, Uri url, byte[]? body, bool streaming, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(streaming ? "text/event-stream" : "application/json"));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await _httpClient.SendAsync(
                request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                DifyLog.RequestFailed(_logger, operation, (int)response.StatusCode, null);
            }

            return response;
        }
        catch (OperationCanceledException exception) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DifyApiException(operation, null, DifyApiException.TimeoutCode,
                $"Dify {operation} did not answer within {_options.RequestTimeout} (DifyClientOptions.RequestTimeout).", exception);
        }
        catch (HttpRequestException exception)
        {
            var connect = exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
            var what = connect ? $"could not connect to {url.GetLeftPart(UriPartial.Authority)}" : "the connection failed";
            throw new DifyApiException(operation, null, connect ? DifyApiException.ConnectionFailedCode : DifyApiException.TransportErrorCode,
                $"Dify {operation} failed: {what} ({exception.Message}). Check DifyClientOptions.BaseUrl and that the server is up.", exception);
        }
    }

    private static async Task<DifyApiException> HttpErrorAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string text;
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, ErrorBodyLimit));
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            text = "";
        }

        DifyErrorWire? error = null;
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                error = JsonSerializer.Deserialize(text, DifyJsonContext.Default.DifyErrorWire);
            }
            catch (JsonException)
            {
                // Not Dify's error shape (a proxy page, a truncated body): quote it below.
            }
        }

        var reason = response.ReasonPhrase is { Length: > 0 } phrase ? $" {phrase}" : "";
        var detail = error?.Message is { Length: > 0 } message
            ? $"{error.Code ?? "error"}: {message}"
            : text.Length == 0 ? "(empty body)" : Truncate(text);
        var hint = response.StatusCode == HttpStatusCode.Unauthorized ? " Check the app's API key (DifyClientOptions.ApiKey)." : "";
        return new DifyApiException(operation, status, error?.Code, $"Dify {operation} failed with HTTP {status}{reason}: {detail}.{hint}");
    }

    private static async Task<T> ReadJsonAsync<T>(
        string operation, HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false)
                    ?? throw new JsonException("The body was null.");
            }
        }
        catch (JsonException exception)
        {
            throw new DifyApiException(operation, (int)response.StatusCode, "invalid_response",
                $"Dify {operation} answered with a body this client cannot read: {exception.Message}", exception);
        }
    }

    private static string Truncate(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= ErrorQuoteLength ? flat : string.Concat(flat.AsSpan(0, ErrorQuoteLength), "…");
    }

    /// <summary>What a stream has learned so far, shared across reconnections.</summary>
    private sealed class StreamState
    {
        public string? WorkflowRunId { get; set; }

        public string? TaskId { get; set; }

        public bool Finished { get; set; }
    }
}

/// <summary>The operation names used in exception messages, logs and span names.</summary>
internal static class DifyOperations
{
    public const string Run = "run workflow";
    public const string Stream = "stream workflow";
    public const string Resume = "resume workflow events";
    public const string GetRun = "get workflow run";
    public const string Stop = "stop workflow task";
}
