using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClaudeOrchestration.Testing;

/// <summary>
/// An in-process, scripted Anthropic Messages API on <c>127.0.0.1</c> with a dynamic port, so the real Claude Code CLI (or any
/// Messages API client) runs offline in tests. Replies come from <c>When</c> rules first, then a FIFO queue, then a default;
/// every request is recorded.
/// </summary>
/// <remarks>
/// <para>
/// All members are thread-safe; many CLI processes may share one server. Script concurrent runs with <c>When</c> rules keyed on
/// the prompt (<see cref="RecordedRequest.LatestUserText"/>), since their arrival order is not deterministic.
/// </para>
/// <para>
/// The server is a bare <see cref="KestrelServer"/>, without the generic host: a test library must not install the host's
/// SIGTERM/Ctrl+C handlers, read <c>ASPNETCORE_*</c> variables or <c>appsettings.json</c>, or add logging providers in the user's
/// process. Kestrel (rather than <c>HttpListener</c>) gives real chunked SSE streaming, request-abort notification and a clean,
/// bounded shutdown that releases the port.
/// </para>
/// </remarks>
public sealed class ScriptedMessagesServer : IAsyncDisposable
{
    /// <summary>The API key <see cref="CreateCliEnvironment"/> hands out when <see cref="ScriptedMessagesServerOptions.RequiredApiKey"/> is not set.</summary>
    public const string DefaultApiKey = "scripted-test-key";

    private const string CountTokensPath = "/v1/messages/count_tokens";
    private const int PromptEchoLength = 80;
    private const int ToolResultQuoteLength = 1000;

    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Queue<ScriptedReply> _queue = new();
    private readonly List<Rule> _rules = [];
    private readonly List<RequestWaiter> _waiters = [];
    private readonly Dictionary<string, ScriptedReply> _failedTurns = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly bool _answerSideCalls;
    private readonly ScriptedReply _sideCallReply;
    private readonly string? _requiredApiKey;
    private readonly int _cliMaxRetries;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private KestrelServer? _kestrel;
    private Uri? _baseUrl;
    private int _sequence;
    private int _toolUseSequence;
    private int _inFlight;
    private TaskCompletionSource? _idle;
    private bool _disposed;

    private ScriptedMessagesServer(ScriptedMessagesServerOptions options)
    {
        _stoppingToken = _stopping.Token;
        _answerSideCalls = options.AnswerSideCallsAutomatically;
        _sideCallReply = ScriptedReply.Text(options.SideCallReplyText).WithUsage(10, 5);
        _requiredApiKey = options.RequiredApiKey;
        _cliMaxRetries = options.CliMaxRetries;
        _shutdownTimeout = options.ShutdownTimeout;
        _timeProvider = options.TimeProvider;
        _loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ScriptedMessagesServer>();
    }

    /// <summary>The server's root URL, <c>http://127.0.0.1:&lt;port&gt;/</c>; the Messages API is at <c>v1/messages</c> below it.</summary>
    public Uri BaseUrl => _baseUrl ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>A snapshot of every request received so far, in arrival order. Later requests do not change the returned list.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>How many enqueued replies have not been used yet.</summary>
    public int QueuedReplyCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Starts a server on <c>127.0.0.1</c> with a port chosen by the operating system.</summary>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The running server; dispose it to stop it and release the port.</returns>
    /// <exception cref="ArgumentException">A value in <paramref name="options"/> is invalid; the message names it and says how to fix it.</exception>
    public static async Task<ScriptedMessagesServer> StartAsync(
        ScriptedMessagesServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ScriptedMessagesServerOptions();
        options.Validate();

        var server = new ScriptedMessagesServer(options);
        try
        {
            await server.ListenAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds replies to the FIFO queue used for main-model turns that no rule matched.</summary>
    /// <param name="replies">The replies, used in order, each once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="replies"/> or one of its items is <see langword="null"/>.</exception>
    public void Enqueue(params ScriptedReply[] replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        foreach (var reply in replies)
        {
            ArgumentNullException.ThrowIfNull(reply, nameof(replies));
        }

        lock (_gate)
        {
            foreach (var reply in replies)
            {
                _queue.Enqueue(reply);
            }
        }
    }

    /// <summary>
    /// Adds a rule, tried before the queue on every main-model turn. Rules are tried in the order they were added and stay active;
    /// the first whose <paramref name="match"/> returns <see langword="true"/> answers.
    /// </summary>
    /// <param name="match">Chooses the requests the rule answers. Use <see cref="RecordedRequest.HasToolResults"/> to tell a new prompt
    /// from the continuation after tool calls, or a rule that answers with a tool call will match its own follow-up forever.</param>
    /// <param name="reply">Builds the reply. A rule that throws or returns <see langword="null"/> makes the server answer 500 <c>api_error</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="match"/> or <paramref name="reply"/> is <see langword="null"/>.</exception>
    public void When(Func<RecordedRequest, bool> match, Func<RecordedRequest, ScriptedReply> reply)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _rules.Add(new Rule(match, reply));
        }
    }

    /// <summary>Adds a rule that answers every matching main-model turn with the same reply (see <see cref="When(Func{RecordedRequest, bool}, Func{RecordedRequest, ScriptedReply})"/>).</summary>
    /// <param name="match">Chooses the requests the rule answers.</param>
    /// <param name="reply">The reply.</param>
    /// <exception cref="ArgumentNullException"><paramref name="match"/> or <paramref name="reply"/> is <see langword="null"/>.</exception>
    public void When(Func<RecordedRequest, bool> match, ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        When(match, _ => reply);
    }

    /// <summary>
    /// Waits until a request matching <paramref name="match"/> has been received (it may already have been) and its reply chosen;
    /// a delayed reply is still pending at that point. Use it to act at a known moment, e.g. interrupt a run mid-request.
    /// </summary>
    /// <param name="match">The condition; it may run more than once for the same request.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The first matching request.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="match"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed before a match arrived.</exception>
    public async Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> match, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);

        var waiter = new RequestWaiter(match);
        RecordedRequest[] received;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            received = [.. _requests];
            _waiters.Add(waiter);
        }

        try
        {
            foreach (var request in received)
            {
                if (waiter.Offer(request))
                {
                    break;
                }
            }

            return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits until no request is being answered (including delayed replies and open streams).</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the server is idle.</returns>
    public Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_inFlight == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Returns the environment variables the Claude Code CLI needs to run offline against this server: <c>ANTHROPIC_BASE_URL</c>,
    /// <c>ANTHROPIC_API_KEY</c>, <c>CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1</c> (no other network traffic), <c>CLAUDE_CONFIG_DIR</c>,
    /// <c>CLAUDE_CODE_MAX_RETRIES</c>, and <c>DISABLE_AUTOUPDATER</c>, <c>DISABLE_TELEMETRY</c>, <c>DISABLE_ERROR_REPORTING</c>.
    /// </summary>
    /// <param name="configDirectory">A private directory for the CLI's settings, sessions and <c>.claude.json</c>; made absolute.</param>
    /// <returns>A new dictionary the caller may extend.</returns>
    /// <remarks>
    /// Set these over the child's inherited environment, and remove inherited <c>ANTHROPIC_*</c> and <c>CLAUDE*</c> variables first:
    /// <c>ANTHROPIC_AUTH_TOKEN</c>, <c>ANTHROPIC_MODEL</c> or <c>CLAUDECODE</c> from a developer's shell would change what the CLI does.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="configDirectory"/> is empty.</exception>
    public IDictionary<string, string> CreateCliEnvironment(string configDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configDirectory);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ANTHROPIC_BASE_URL"] = BaseUrl.GetLeftPart(UriPartial.Authority),
            ["ANTHROPIC_API_KEY"] = _requiredApiKey ?? DefaultApiKey,
            ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            ["CLAUDE_CONFIG_DIR"] = Path.GetFullPath(configDirectory),
            ["CLAUDE_CODE_MAX_RETRIES"] = _cliMaxRetries.ToString(CultureInfo.InvariantCulture),
            ["DISABLE_AUTOUPDATER"] = "1",
            ["DISABLE_TELEMETRY"] = "1",
            ["DISABLE_ERROR_REPORTING"] = "1",
        };
    }

    /// <summary>
    /// Stops the server: ends delayed replies and open streams at once, lets other responses finish within
    /// <see cref="ScriptedMessagesServerOptions.ShutdownTimeout"/>, closes the listener and releases the port. Pending
    /// <see cref="WaitForRequestAsync"/> calls fail with <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        RequestWaiter[] waiters;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            waiters = [.. _waiters];
        }

        foreach (var waiter in waiters)
        {
            waiter.Fail(new ObjectDisposedException(nameof(ScriptedMessagesServer), "The server was disposed before a matching request arrived."));
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_kestrel is not null)
        {
            // A plain timer on purpose: the shutdown bound must hold even when TimeProvider is a fake clock nobody advances.
            using var timeout = _shutdownTimeout == Timeout.InfiniteTimeSpan
                ? new CancellationTokenSource()
                : new CancellationTokenSource(_shutdownTimeout);
            await _kestrel.StopAsync(timeout.Token).ConfigureAwait(false);
            _kestrel.Dispose();
            if (_baseUrl is not null)
            {
                Log.Stopped(_logger, _baseUrl);
            }
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var kestrelOptions = new KestrelServerOptions { AddServerHeader = false };

        // The CLI's requests grow with the conversation (and may carry images); the listener is loopback-only.
        kestrelOptions.Limits.MaxRequestBodySize = null;
        kestrelOptions.Listen(IPAddress.Loopback, 0);

        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), _loggerFactory);
        _kestrel = new KestrelServer(Options.Create(kestrelOptions), transport, _loggerFactory);
        await _kestrel.StartAsync(new Application(this), cancellationToken).ConfigureAwait(false);

        var address = _kestrel.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started but did not report the address it bound.");
        _baseUrl = new Uri(address.EndsWith('/') ? address : address + "/", UriKind.Absolute);
        Log.Started(_logger, _baseUrl);
    }

    private async Task HandleAsync(HttpContext context)
    {
        EnterRequest();
        var sequence = Interlocked.Increment(ref _sequence);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stoppingToken);
        var cancellationToken = abandon.Token;
        try
        {
            var body = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
            var request = MessagesRequestReader.Read(sequence, context.Request, body);
            var (source, reply) = Decide(context.Request, request);
            request.ReplySource = source;
            request.Reply = reply;
            request.StatusCode = reply?.StatusCode ?? StatusCodes.Status200OK;

            // The delay's timer exists before the request becomes visible, so a test that waits for the request and then advances
            // a fake clock always finds it.
            var delay = reply is null || reply.Delay == TimeSpan.Zero
                ? Task.CompletedTask
                : Task.Delay(reply.Delay, _timeProvider, cancellationToken);

            Publish(request);
            Log.Answered(_logger, sequence, request.Method, request.Path, source, request.StatusCode);

            await delay.ConfigureAwait(false);
            await RespondAsync(context.Response, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever failed (the delay, a write to a closed connection) failed because the request was abandoned.
            // Returning normally would let Kestrel complete an empty 200, which a client would take for a (broken) reply.
            // When the server is stopping, break the connection instead, as a real API outage would.
            context.Abort();
            Log.Abandoned(_logger, sequence);
        }
        catch (Exception exception)
        {
            Log.ReplyFailed(_logger, sequence, exception);
            throw;
        }
        finally
        {
            ExitRequest();
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private (ReplySource Source, ScriptedReply? Reply) Decide(HttpRequest http, RecordedRequest request)
    {
        var isPost = HttpMethods.IsPost(request.Method);
        if (request.Path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase) && !IsAuthorized(http))
        {
            return (ReplySource.Unauthorized, ScriptedReply.Error(401, "authentication_error", "invalid x-api-key"));
        }

        if (isPost && string.Equals(request.Path, MessagesRequestReader.MessagesPath, StringComparison.OrdinalIgnoreCase))
        {
            if (request.Body is not { ValueKind: JsonValueKind.Object })
            {
                return (ReplySource.BuiltIn, ScriptedReply.Error(400, "invalid_request_error", "The request body must be a JSON object."));
            }

            if (request.IsSideCall && _answerSideCalls)
            {
                return (ReplySource.SideCall, _sideCallReply);
            }

            return ChooseTurnReply(request);
        }

        if (isPost && string.Equals(request.Path, CountTokensPath, StringComparison.OrdinalIgnoreCase))
        {
            return (ReplySource.BuiltIn, null);
        }

        if (HttpMethods.IsHead(request.Method) || (HttpMethods.IsGet(request.Method) && request.Path == "/"))
        {
            return (ReplySource.BuiltIn, null);
        }

        return (ReplySource.BuiltIn, ScriptedReply.Error(404, "not_found_error", $"The scripted server has no route for {request.Method} {request.Path}."));
    }

    private (ReplySource Source, ScriptedReply Reply) ChooseTurnReply(RecordedRequest request)
    {
        var turn = TurnKey(request);
        if (turn is not null)
        {
            lock (_gate)
            {
                if (_failedTurns.TryGetValue(turn, out var failed))
                {
                    return (ReplySource.Retry, failed);
                }
            }
        }

        var chosen = ChooseScriptedReply(request);
        if (turn is not null && IsDeterministicError(chosen.Reply.StatusCode))
        {
            lock (_gate)
            {
                _failedTurns[turn] = chosen.Reply;
            }
        }

        return chosen;
    }

    /// <summary>
    /// Identifies one turn of one CLI session, so its retries can be recognised: the session id, the conversation length, and the
    /// newest prompt and tool results. Only the CLI sends a session id; other clients' requests are never treated as retries.
    /// </summary>
    private static string? TurnKey(RecordedRequest request)
    {
        if (request.SessionId is null || request.Messages is not { } messages)
        {
            return null;
        }

        var conversationLength = messages.EnumerateArray().Count(m =>
            m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty("role", out var role)
            && (role.ValueEquals("user"u8) || role.ValueEquals("assistant"u8)));
        var toolUseIds = string.Join(',', request.ToolResults.Select(r => r.ToolUseId));
        return $"{request.SessionId}\n{conversationLength}\n{toolUseIds}\n{request.LatestUserText}";
    }

    // The real API answers these the same way every time; 408, 409 and 429 (like 5xx) may succeed on a retry.
    private static bool IsDeterministicError(int statusCode) => statusCode is >= 400 and < 500 and not (408 or 409 or 429);

    private (ReplySource Source, ScriptedReply Reply) ChooseScriptedReply(RecordedRequest request)
    {
        Rule[] rules;
        lock (_gate)
        {
            rules = [.. _rules];
        }

        foreach (var rule in rules)
        {
            try
            {
                if (rule.Match(request))
                {
                    var reply = rule.Reply(request)
                        ?? throw new InvalidOperationException("A When rule returned null instead of a ScriptedReply.");
                    return (ReplySource.Rule, reply);
                }
            }
            catch (Exception exception)
            {
                Log.RuleFailed(_logger, request.Sequence, exception);
                return (ReplySource.Rule, ScriptedReply.Error(
                    500, "api_error", $"ScriptedMessagesServer: a When rule threw {exception.GetType().Name}: {exception.Message}"));
            }
        }

        lock (_gate)
        {
            if (_queue.TryDequeue(out var next))
            {
                return (ReplySource.Queue, next);
            }
        }

        return (ReplySource.Default, DefaultReply(request));
    }

    private static ScriptedReply DefaultReply(RecordedRequest request)
    {
        if (request.HasToolResults)
        {
            var kind = request.ToolResults.Any(r => r.IsError) ? "error" : "result";
            var quoted = Truncate(string.Join(" | ", request.ToolResults.Select(r => r.Content)), ToolResultQuoteLength);
            return ScriptedReply.Text($"Final answer. Tool {kind}: {quoted}");
        }

        return ScriptedReply.Text($"Scripted reply to: {Truncate(request.LatestUserText, PromptEchoLength)}");
    }

    private async Task RespondAsync(HttpResponse response, RecordedRequest request, CancellationToken cancellationToken)
    {
        var requestId = $"req_scripted_{request.Sequence:D4}";
        response.Headers["request-id"] = requestId;

        switch (request.Reply)
        {
            case { IsError: true } error:
                await MessagesResponseWriter.WriteErrorAsync(
                    response, error.StatusCode, error.ErrorType!, error.ErrorMessage!, requestId, cancellationToken).ConfigureAwait(false);
                break;
            case { } reply:
                var toolUseIds = reply.Blocks
                    .Select(block => block is ToolUseReplyBlock
                        ? $"toolu_scripted_{Interlocked.Increment(ref _toolUseSequence):D4}"
                        : null)
                    .ToArray();
                var message = new OutgoingMessage($"msg_scripted_{request.Sequence:D4}", request.Model ?? "claude-scripted", reply, toolUseIds);
                await (request.IsStreaming
                    ? MessagesResponseWriter.WriteStreamAsync(response, message, cancellationToken)
                    : MessagesResponseWriter.WriteMessageAsync(response, message, cancellationToken)).ConfigureAwait(false);
                break;
            case null when request.Path.Equals(CountTokensPath, StringComparison.OrdinalIgnoreCase):
                await MessagesResponseWriter.WriteTokenCountAsync(
                    response, Math.Max(1, request.RawBody.Length / 4), cancellationToken).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = StatusCodes.Status200OK;
                break;
        }
    }

    private bool IsAuthorized(HttpRequest request)
    {
        if (_requiredApiKey is null)
        {
            return true;
        }

        var presented = request.Headers["x-api-key"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (presented.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(_requiredApiKey));
    }

    private void Publish(RecordedRequest request)
    {
        RequestWaiter[] waiters;
        lock (_gate)
        {
            _requests.Add(request);
            waiters = [.. _waiters];
        }

        foreach (var waiter in waiters)
        {
            waiter.Offer(request);
        }
    }

    private void EnterRequest()
    {
        lock (_gate)
        {
            _inFlight++;
        }
    }

    private void ExitRequest()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (--_inFlight == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    private static string Truncate(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        // Never cut a surrogate pair in half.
        var end = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return text[..end];
    }

    private sealed record Rule(Func<RecordedRequest, bool> Match, Func<RecordedRequest, ScriptedReply> Reply);

    private sealed class RequestWaiter(Func<RecordedRequest, bool> match)
    {
        private readonly TaskCompletionSource<RecordedRequest> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<RecordedRequest> Task => _completion.Task;

        public bool Offer(RecordedRequest request)
        {
            try
            {
                return match(request) && _completion.TrySetResult(request);
            }
            catch (Exception exception)
            {
                // The caller's predicate failed: surface it from WaitForRequestAsync rather than losing it on a server thread.
                _completion.TrySetException(exception);
                return true;
            }
        }

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }

    /// <summary>Kestrel's entry point: one <see cref="DefaultHttpContext"/> per request, handled by the owning server.</summary>
    private sealed class Application(ScriptedMessagesServer owner) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => owner.HandleAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
