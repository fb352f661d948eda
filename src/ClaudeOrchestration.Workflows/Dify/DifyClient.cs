using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;

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
public sealed partial class DifyClient : IDifyClient
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
