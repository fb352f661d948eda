using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace ClaudeOrchestration.Workflows.Dify;

// HTTP: one request with auth, per-attempt timeout and retries (Polly), and the mapping of failures to DifyApiException.
public sealed partial class DifyClient
{
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
}
