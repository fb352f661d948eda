using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Diagnostics;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Transport;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Sessions;

/// <summary>
/// A long-lived Claude Code CLI process speaking stream-json both ways, with the control protocol: many turns per process,
/// host → CLI requests (interrupt, model and permission-mode switches, MCP control, context usage) and CLI → host callbacks
/// (tool permissions, hooks, in-process MCP servers). Start one with <see cref="ClaudeSessionFactory"/> or take a warm one
/// from a <see cref="ClaudeSessionPool"/>.
/// </summary>
/// <remarks>
/// <para>
/// Turns are single-flight: a second <see cref="SendAsync(string, CancellationToken)"/> waits until the running turn has
/// ended. Control requests may be sent at any time, also from another thread while a turn streams. Callbacks run on the
/// thread pool, never on the reader, so a slow callback does not stall the stream; the CLI may call them concurrently.
/// </para>
/// <para>
/// A session does not take one of <see cref="ClaudeClient"/>'s process slots
/// (<see cref="ClaudeOrchestrationOptions.MaxConcurrentProcesses"/>): it holds its process for its whole life, which would
/// starve one-shot runs. Cap sessions with <see cref="ClaudeSessionPoolOptions.MaxSessions"/> instead.
/// </para>
/// </remarks>
public sealed partial class ClaudeSession : IAsyncDisposable
{
    private readonly ISessionTransport _transport;
    private readonly ClaudeSessionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _gracePeriod;
    private readonly IDisposable? _resources;
    private readonly Func<ClaudeSessionOptions, CancellationToken, Task<ClaudeSession>>? _opener;
    private readonly ConcurrentDictionary<string, PendingRequest> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _turnLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _gate = new();
    /// <summary>How many messages of a turn may wait unread before the reader (and so the CLI's stdout) waits for the consumer.</summary>
    internal const int TurnBufferCapacity = 1024;

    private readonly string _requestPrefix = "req_" + Guid.NewGuid().ToString("N")[..8] + "_";
    private readonly SessionCallbacks _callbacks;
    private Task _reader = Task.CompletedTask;
    private SessionTurn? _turn;
    private string? _sessionId;
    private ClaudeSessionState _state = ClaudeSessionState.Starting;
    private Exception? _fault;
    private long _requestCounter;
    private long _lastActivityTimestamp;
    private Task? _disposal;

    internal ClaudeSession(
        ISessionTransport transport,
        ClaudeSessionOptions options,
        ILogger logger,
        TimeProvider time,
        TimeSpan gracePeriod,
        string? sessionId,
        IDisposable? resources = null,
        Func<ClaudeSessionOptions, CancellationToken, Task<ClaudeSession>>? opener = null)
    {
        _transport = transport;
        _options = options;
        _logger = logger;
        _time = time;
        _gracePeriod = gracePeriod;
        _sessionId = sessionId;
        _resources = resources;
        _opener = opener;
        _lastActivityTimestamp = time.GetTimestamp();
        _callbacks = new SessionCallbacks(options, logger, time, () => SessionId, WriteFrameAsync, _lifetime.Token);
    }

    /// <summary>
    /// The conversation's session id. Known from the start unless the session resumes with a fork or continues the latest
    /// conversation; then it is set by the first turn's <c>system/init</c>.
    /// </summary>
    public string? SessionId => Volatile.Read(ref _sessionId);

    /// <summary>The CLI's process id.</summary>
    public int ProcessId => _transport.ProcessId;

    /// <summary>The session's state.</summary>
    public ClaudeSessionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the session faulted, or <see langword="null"/> when it has not.</summary>
    public Exception? Fault
    {
        get
        {
            lock (_gate)
            {
                return _fault;
            }
        }
    }

    /// <summary>The CLI's answer to <c>initialize</c>: commands, agents, models, account, output styles, pid, capabilities.</summary>
    public JsonElement InitializeResponse { get; private set; }

    /// <summary>The options the session was started with.</summary>
    public ClaudeSessionOptions Options => _options;

    /// <summary>When the session last finished a turn or started (the <see cref="TimeProvider"/>'s timestamp), for idle expiry.</summary>
    internal long LastActivityTimestamp => Interlocked.Read(ref _lastActivityTimestamp);

    internal Task Completion => _transport.Exited;

    internal ILogger Logger => _logger;

    /// <summary>How many CLI → host callbacks are running now (for tests and diagnostics).</summary>
    internal int InFlightCallbackCount => _callbacks.InFlightCount;

    /// <summary>
    /// Sends a prompt and streams the turn's messages, ending with its <see cref="ResultMessage"/>. The prompt is written
    /// when enumeration starts.
    /// </summary>
    /// <param name="prompt">The user's text.</param>
    /// <param name="cancellationToken">
    /// Cancelling interrupts the turn (an <c>interrupt</c> control request); the enumeration then throws
    /// <see cref="ClaudeTurnCanceledException"/> (an <see cref="OperationCanceledException"/>) once the CLI has ended the turn,
    /// carrying the turn's result with its cost and usage, and the session stays usable. If the CLI does not end the turn within
    /// <see cref="ClaudeSessionOptions.InterruptTimeout"/>, its process is killed and the session faults.
    /// </param>
    /// <returns>The turn's messages.</returns>
    /// <exception cref="ClaudeProcessException">The CLI exited during the turn (exit code and stderr tail attached); the session is faulted.</exception>
    /// <exception cref="ClaudeProtocolException">The CLI wrote an oversized line; the session is faulted.</exception>
    /// <exception cref="InvalidOperationException">The session is faulted or closed.</exception>
    public IAsyncEnumerable<ClaudeMessage> SendAsync(string prompt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        return StreamTurnAsync(uuid => SerializeUserMessage(JsonValue.Create(prompt), uuid), cancellationToken);
    }

    /// <summary>
    /// Sends Messages-API user content (a string, or an array of content blocks such as text and images) and streams the
    /// turn's messages, ending with its <see cref="ResultMessage"/>.
    /// </summary>
    /// <param name="content">The <c>content</c> of the user message.</param>
    /// <param name="cancellationToken">Cancelling interrupts the turn (see <see cref="SendAsync(string, CancellationToken)"/>).</param>
    /// <returns>The turn's messages.</returns>
    public IAsyncEnumerable<ClaudeMessage> SendAsync(JsonNode content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return StreamTurnAsync(uuid => SerializeUserMessage(content, uuid), cancellationToken);
    }

    /// <summary>
    /// Runs one turn to its end and returns its result with its messages. Partial stream events
    /// (<see cref="StreamEventMessage"/>, from <see cref="ClaudeRunOptions.IncludePartialMessages"/>) are not kept: nobody
    /// could watch them arrive here, and a long turn writes thousands. Use <see cref="SendAsync(string, CancellationToken)"/>
    /// to stream them.
    /// </summary>
    /// <param name="prompt">The user's text.</param>
    /// <param name="cancellationToken">Cancelling interrupts the turn (see <see cref="SendAsync(string, CancellationToken)"/>).</param>
    /// <returns>The turn's result; check <see cref="ClaudeRunResult.IsError"/> or call <see cref="ClaudeRunResult.EnsureSuccess"/>.</returns>
    /// <exception cref="ClaudeTurnCanceledException">The token was cancelled; the exception carries the interrupted turn's result.</exception>
    public async Task<ClaudeRunResult> RunAsync(string prompt, CancellationToken cancellationToken = default)
    {
        var messages = new List<ClaudeMessage>();
        ResultMessage? result = null;
        await foreach (var message in SendAsync(prompt, cancellationToken).ConfigureAwait(false))
        {
            if (message is StreamEventMessage)
            {
                continue;
            }

            messages.Add(message);
            result = message as ResultMessage ?? result;
        }

        return result is null
            ? throw new ClaudeTurnCanceledException(null, cancellationToken)
            : ClaudeRunResult.From(result, messages);
    }

    /// <summary>
    /// Opens a new process on this session's conversation (<c>--resume</c>) with the same options: the way back from
    /// <see cref="ClaudeSessionState.Faulted"/>, or to continue after disposal. The new session has the same session id.
    /// </summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The new session; this one is left as it is.</returns>
    /// <exception cref="InvalidOperationException">The session id is not known yet, or the session was not started by a factory.</exception>
    public Task<ClaudeSession> ResumeAsync(CancellationToken cancellationToken = default) => ReopenAsync(fork: false, cancellationToken);

    /// <summary>Opens a new process with a copy of this conversation under a new session id (<c>--resume --fork-session</c>).</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The forked session.</returns>
    /// <exception cref="InvalidOperationException">The session id is not known yet, or the session was not started by a factory.</exception>
    public Task<ClaudeSession> ForkAsync(CancellationToken cancellationToken = default) => ReopenAsync(fork: true, cancellationToken);

    /// <summary>
    /// Closes the session: in-flight callbacks are cancelled, pending requests and a running turn fail with
    /// <see cref="ObjectDisposedException"/>, and the process is stopped (stdin closed; an idle CLI exits within the grace
    /// period, a busy one is terminated with its process group). Idempotent.
    /// </summary>
    /// <returns>A task that completes when the process and every callback have finished.</returns>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposal ??= DisposeCoreAsync();
            return new ValueTask(_disposal);
        }
    }

    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            _callbacks.CreateMcpServers();
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _reader = Task.Run(ReadLoopAsync, CancellationToken.None);
        try
        {
            InitializeResponse = await SendControlRequestCoreAsync("initialize", WriteInitializeFields, _options.InitializeTimeout, allowStarting: true, cancellationToken)
                .ConfigureAwait(false) ?? default;
        }
        catch (Exception ex)
        {
            // The process may have died at start-up: the reader's fault (exit code, stderr) says more than a timeout.
            await DisposeAsync().ConfigureAwait(false);
            if (Fault is { } fault && ex is not OperationCanceledException)
            {
                throw fault;
            }

            throw;
        }

        bool started;
        lock (_gate)
        {
            started = _state == ClaudeSessionState.Starting;
            if (started)
            {
                _state = ClaudeSessionState.Idle;
            }
        }

        if (!started)
        {
            // The CLI answered initialize and died (or was disposed) right after: not a session to hand out.
            await DisposeAsync().ConfigureAwait(false);
            throw Fault ?? new ObjectDisposedException(nameof(ClaudeSession), "The session was closed while it was starting.");
        }

        SessionTelemetry.ActiveSessions.Add(1);
        Log.SessionStarted(_logger, SessionId, ProcessId);
    }

    private async Task<ClaudeSession> ReopenAsync(bool fork, CancellationToken cancellationToken)
    {
        if (_options.SdkMcpServers.Count > 0 && State is not (ClaudeSessionState.Faulted or ClaudeSessionState.Closed))
        {
            // Two live CLI processes on one MCP server instance would interleave their JSON-RPC ids (and initialize twice).
            throw new InvalidOperationException(
                $"Session {SessionId} is live and has in-process MCP server instances (ClaudeSessionOptions.SdkMcpServers: {string.Join(", ", _options.SdkMcpServers.Select(s => s?.Name))}), which cannot serve a second CLI process. " +
                "Give the servers as ClaudeSessionOptions.SdkMcpServerFactories (e.g. ClaudeSdkMcpServer.Factory(...)) so each process gets its own, or dispose this session first.");
        }

        var sessionId = SessionId ?? throw new InvalidOperationException("The session id is not known yet: run a turn first.");
        if (_opener is null)
        {
            throw new InvalidOperationException("This session was not started by a ClaudeSessionFactory, so it cannot open a new process.");
        }

        return await _opener(_options.ForResume(sessionId, fork), cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- turns

    private async IAsyncEnumerable<ClaudeMessage> StreamTurnAsync(Func<string, byte[]> serialize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _turnLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        SessionTurn? turn = null;
        try
        {
            turn = BeginTurn();
            var line = serialize(turn.Uuid);

            // Registered before the write: a caller must be able to cancel a turn whose prompt the CLI is not reading.
            using var registration = cancellationToken.Register(static state => ((SessionTurn)state!).RequestCancel(), turn);
            await WriteTurnAsync(turn, line).ConfigureAwait(false);

            // Not the caller's token: a cancelled turn is drained to its end (interrupt, result) before it throws.
            while (await turn.Messages.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (turn.Messages.Reader.TryRead(out var message))
                {
                    if (turn.CancelRequested)
                    {
                        // Cancelled: drain silently to the end of the turn, then throw.
                        continue;
                    }

                    yield return message;
                }
            }

            // A fault or disposal completes the channel with its exception, which WaitToReadAsync has thrown by now.
            if (cancellationToken.IsCancellationRequested)
            {
                // The interrupted turn was paid for: hand its result (cost, usage) to the caller with the cancellation.
                throw new ClaudeTurnCanceledException(turn.Result, cancellationToken);
            }
        }
        finally
        {
            if (turn is not null)
            {
                await EndTurnAsync(turn).ConfigureAwait(false);
            }

            _turnLock.Release();
        }
    }

    private SessionTurn BeginTurn()
    {
        lock (_gate)
        {
            ThrowIfUnusable();
            var turn = new SessionTurn(this, Guid.NewGuid().ToString());
            _turn = turn;
            _state = ClaudeSessionState.Running;
            return turn;
        }
    }

    private async Task WriteTurnAsync(SessionTurn turn, byte[] line)
    {
        try
        {
            await _transport.WriteLineAsync(line, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ClaudeProcessException or ObjectDisposedException or IOException)
        {
            // The process is gone; the reader turns that into the fault (exit code, stderr) that ends this turn.
            turn.NoteWriteFailure(ex);
        }
    }

    private async Task EndTurnAsync(SessionTurn turn)
    {
        if (!turn.Ended.Task.IsCompleted)
        {
            // The consumer stopped early (or was cancelled): the CLI is still working on the turn. Interrupt it and wait for
            // the end, so the next turn starts clean.
            turn.RequestCancel();
            await turn.Ended.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (ReferenceEquals(_turn, turn))
            {
                _turn = null;
            }

            if (_state == ClaudeSessionState.Running)
            {
                _state = ClaudeSessionState.Idle;
            }
        }

        Interlocked.Exchange(ref _lastActivityTimestamp, _time.GetTimestamp());
        turn.Finish();
    }

    private void ThrowIfUnusable()
    {
        switch (_state)
        {
            case ClaudeSessionState.Faulted:
                throw new InvalidOperationException(
                    $"Session {_sessionId} is faulted ({_fault?.Message}); open a new process on the same conversation with ResumeAsync.", _fault);
            case ClaudeSessionState.Closed:
                throw new ObjectDisposedException(nameof(ClaudeSession), $"Session {_sessionId} is closed.");
        }
    }

    /// <summary>Sent when a turn is cancelled: interrupt, wait for the end, kill when the CLI does not comply.</summary>
    internal async Task InterruptTurnAsync(SessionTurn turn)
    {
        Log.TurnInterrupting(_logger, SessionId);
        var deadline = _time.GetTimestamp();
        try
        {
            // cancel_queued: a prompt the CLI has not started yet is withdrawn (a "cancelled" lifecycle frame) instead of
            // running later as a turn nobody waits for.
            await SendControlRequestCoreAsync("interrupt", WriteCancelQueued, _options.InterruptTimeout, allowStarting: false, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ClaudeException or TimeoutException or InvalidOperationException)
        {
            // Either the turn is already over (faulted, closed) or the CLI will not take the interrupt: the wait below decides.
        }

        var remaining = _options.InterruptTimeout - _time.GetElapsedTime(deadline);
        if (remaining < TimeSpan.Zero)
        {
            remaining = TimeSpan.Zero;
        }

        try
        {
            await turn.Ended.Task.WaitAsync(remaining, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.InterruptTimedOut(_logger, SessionId, _options.InterruptTimeout);
            await FaultAsync(new TimeoutException(
                $"The claude CLI did not end the turn within {_options.InterruptTimeout} after an interrupt; its process was stopped. Resume the conversation with ResumeAsync.")).ConfigureAwait(false);
        }
    }

    // ---------------------------------------------------------------- reader

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (await _transport.ReadLineAsync(_lifetime.Token).ConfigureAwait(false) is { } line)
            {
                var message = ClaudeMessageParser.Parse(line);
                if (message is not null)
                {
                    await RouteAsync(message).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            return;
        }
        catch (LineTooLongException ex)
        {
            failure = new ClaudeProtocolException(
                $"The claude CLI wrote a line longer than MaxLineBytes ({ex.MaxLineBytes} bytes); session {SessionId} was stopped. Raise ClaudeOrchestrationOptions.MaxLineBytes if such output is expected, then ResumeAsync.",
                ex.Preview, ex);
        }
        catch (IOException)
        {
            // A broken pipe is the process going away: reported below with its exit code and stderr, like EOF.
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        failure ??= await DescribeExitAsync().ConfigureAwait(false);
        await FaultAsync(failure).ConfigureAwait(false);
    }

    private async Task<Exception> DescribeExitAsync()
    {
        // EOF: the process is exiting; wait for its code and the rest of stderr, within the grace period.
        int? code = null;
        try
        {
            code = await _transport.Exited.WaitAsync(_gracePeriod, _time).ConfigureAwait(false);
            await _transport.StderrDrained.WaitAsync(TimeSpan.FromSeconds(2), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported without the code; the tail has what arrived.
        }

        // The message never quotes stderr (it may hold prompts or secrets, and messages travel to logs and tool results);
        // the redacted tail is on the exception, as with one-shot runs.
        var tail = _transport.StderrTail();
        var stderr = tail.Count == 0 ? "It wrote nothing to stderr." : $"Its last {tail.Count} stderr line(s) are in ClaudeProcessException.StderrTail.";
        return new ClaudeProcessException(
            $"The claude CLI of session {SessionId} exited with code {code?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}. {stderr} Resume the conversation with ResumeAsync.",
            code, tail);
    }

    private async ValueTask RouteAsync(ClaudeMessage message)
    {
        switch (message)
        {
            case ControlResponseMessage response:
                CompletePending(response);
                return;
            case ControlRequestMessage request:
                _callbacks.Dispatch(request);
                return;
            case ControlCancelRequestMessage cancel:
                _callbacks.CancelByCli(cancel.RequestId);
                return;
            case KeepAliveMessage:
                return;
        }

        if (message is SystemInitMessage or ResultMessage && message.SessionId is { Length: > 0 } id)
        {
            Volatile.Write(ref _sessionId, id);
        }

        var turn = Volatile.Read(ref _turn);
        if (turn is null || turn.Ended.Task.IsCompleted || (message is CommandLifecycleMessage lifecycle && lifecycle.CommandUuid != turn.Uuid))
        {
            DeliverOutOfTurn(message);
            return;
        }

        await turn.DeliverAsync(message).ConfigureAwait(false);
    }

    private void DeliverOutOfTurn(ClaudeMessage message)
    {
        Log.OutOfTurnMessage(_logger, SessionId, message.Type);
        try
        {
            _options.OutOfTurnMessageCallback?.Invoke(message);
        }
        catch (Exception ex)
        {
            Log.OutOfTurnCallbackFailed(_logger, SessionId, ex);
        }
    }

    private async Task FaultAsync(Exception failure)
    {
        SessionTurn? turn;
        lock (_gate)
        {
            if (_state is ClaudeSessionState.Faulted or ClaudeSessionState.Closed)
            {
                return;
            }

            var wasStarted = _state != ClaudeSessionState.Starting;
            _state = ClaudeSessionState.Faulted;
            _fault = failure;
            turn = _turn;
            if (wasStarted)
            {
                SessionTelemetry.ActiveSessions.Add(-1);
            }
        }

        Log.SessionFaulted(_logger, SessionId, ProcessId, failure);
        SessionTelemetry.Faults.Add(1);
        turn?.Fail(failure);
        FailPending(failure);
        _callbacks.CancelAll();
        await _transport.TerminateAsync().ConfigureAwait(false);
    }

    private void FailPending(Exception failure)
    {
        foreach (var (id, pending) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                pending.Completion.TrySetException(failure);
            }
        }
    }

    private async Task DisposeCoreAsync()
    {
        SessionTurn? turn;
        bool busy;
        bool wasLive;
        lock (_gate)
        {
            wasLive = _state is ClaudeSessionState.Idle or ClaudeSessionState.Running;
            busy = _state == ClaudeSessionState.Running || !_callbacks.IsIdle;
            if (_state != ClaudeSessionState.Faulted)
            {
                _state = ClaudeSessionState.Closed;
            }

            turn = _turn;
        }

        if (wasLive)
        {
            SessionTelemetry.ActiveSessions.Add(-1);
        }

        var disposed = new ObjectDisposedException(nameof(ClaudeSession), $"Session {SessionId} was disposed.");
        await _lifetime.CancelAsync().ConfigureAwait(false);
        turn?.Fail(disposed);
        FailPending(disposed);
        _callbacks.CancelAll();

        if (!busy)
        {
            // Idle: stdin EOF lets the CLI flush its transcript and exit by itself (about 65 ms).
            await _transport.CloseInputAsync().ConfigureAwait(false);
            try
            {
                await _transport.Exited.WaitAsync(_gracePeriod, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // DisposeAsync below escalates.
            }
        }

        // Stop the process, let the reader see the end of stdout, and only then free the transport's buffers.
        await _transport.TerminateAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);

        // Callbacks were cancelled above; a well-behaved one returns promptly. Do not hang on one that ignores its token.
        await _callbacks.WaitForCallbacksAsync(_gracePeriod).ConfigureAwait(false);
        await _callbacks.DisposeOwnedServersAsync().ConfigureAwait(false);

        Log.SessionClosed(_logger, SessionId, ProcessId);
        _resources?.Dispose();
        _lifetime.Dispose();
    }

    // ---------------------------------------------------------------- wire helpers

    internal static byte[] SerializeUserMessage(JsonNode content, string uuid)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "user"u8);
            writer.WriteString("session_id"u8, ""u8);
            writer.WriteNull("parent_tool_use_id"u8);
            writer.WriteString("uuid"u8, uuid);
            writer.WriteStartObject("message"u8);
            writer.WriteString("role"u8, "user"u8);
            writer.WritePropertyName("content"u8);
            if (content is JsonValue value && value.TryGetValue<string>(out var text))
            {
                // Content-block form, as the SDKs send it.
                writer.WriteStartArray();
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("text"u8, text);
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
            else
            {
                content.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private Task WriteFrameAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return _transport.WriteLineAsync(buffer.WrittenMemory, cancellationToken);
    }
}
