using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using ClaudeOrchestration.Diagnostics;
using ClaudeOrchestration.Messages;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.Sessions;

/// <summary>
/// A session's CLI → host side: runs <c>can_use_tool</c>, <c>hook_callback</c> and <c>mcp_message</c> requests on the thread
/// pool (never on the reader), each with its own token and timeout, and writes their replies. Owns the hook registrations
/// and the in-process MCP servers of one CLI process.
/// </summary>
internal sealed class SessionCallbacks
{
    private readonly ClaudeSessionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationToken _lifetime;
    private readonly Func<string?> _sessionId;
    private readonly Func<Action<Utf8JsonWriter>, CancellationToken, Task> _writeFrame;
    private readonly ConcurrentDictionary<string, InFlightCallback> _inFlight = new(StringComparer.Ordinal);

    public SessionCallbacks(
        ClaudeSessionOptions options,
        ILogger logger,
        TimeProvider time,
        Func<string?> sessionId,
        Func<Action<Utf8JsonWriter>, CancellationToken, Task> writeFrame,
        CancellationToken lifetime)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _lifetime = lifetime;
        _sessionId = sessionId;
        _writeFrame = writeFrame;
        (HookCallbacks, HookRegistrations) = RegisterHooks(options.Hooks);
    }

    public Dictionary<string, (ClaudeHookCallback Callback, TimeSpan? Timeout)> HookCallbacks { get; }

    public Dictionary<string, List<(string? Matcher, List<string> Ids, TimeSpan? Timeout)>> HookRegistrations { get; }

    /// <summary>The servers of this process: the caller's instances plus those created by the factories (owned, disposed on close).</summary>
    public Dictionary<string, IClaudeSdkMcpServer> McpServers { get; private set; } = new(StringComparer.Ordinal);

    private List<IClaudeSdkMcpServer> OwnedMcpServers { get; } = [];

    /// <summary>Whether no callback is running.</summary>
    public bool IsIdle => _inFlight.IsEmpty;

    /// <summary>The CLI withdrew a request (<c>control_cancel_request</c>): cancel its callback's token; no reply follows.</summary>
    public void CancelByCli(string requestId)
    {
        if (_inFlight.TryGetValue(requestId, out var callback))
        {
            Log.CallbackCancelledByCli(_logger, _sessionId(), requestId);
            callback.CancelByCli();
        }
    }

    /// <summary>The session is faulting or closing: cancel every callback's token.</summary>
    public void CancelAll()
    {
        foreach (var callback in _inFlight.Values)
        {
            callback.CancelBySession();
        }
    }

    /// <summary>Waits, up to <paramref name="limit"/>, for the callbacks still running; one that ignores its token is abandoned.</summary>
    public async Task WaitForCallbacksAsync(TimeSpan limit)
    {
        var callbacks = _inFlight.Values.Select(c => c.Task).ToArray();
        try
        {
            await Task.WhenAll(callbacks).WaitAsync(limit, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Logged by nobody on purpose: the callback's owner ignored cancellation; the process is already gone.
        }
    }

    /// <summary>Disposes the servers the factories created for this process.</summary>
    public async Task DisposeOwnedServersAsync()
    {
        foreach (var server in OwnedMcpServers)
        {
            if (server is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (server is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }

    internal static (Dictionary<string, (ClaudeHookCallback, TimeSpan?)>, Dictionary<string, List<(string?, List<string>, TimeSpan?)>>) RegisterHooks(
        IReadOnlyList<ClaudeHookMatcher> hooks)
    {
        var callbacks = new Dictionary<string, (ClaudeHookCallback, TimeSpan?)>(StringComparer.Ordinal);
        var registrations = new Dictionary<string, List<(string?, List<string>, TimeSpan?)>>(StringComparer.Ordinal);
        foreach (var hook in hooks ?? [])
        {
            ArgumentNullException.ThrowIfNull(hook, nameof(ClaudeSessionOptions.Hooks));
            ArgumentException.ThrowIfNullOrWhiteSpace(hook.Event, nameof(ClaudeHookMatcher.Event));
            if (hook.Callbacks is not { Count: > 0 })
            {
                throw new ArgumentException($"The {hook.Event} hook matcher '{hook.Matcher}' has no callbacks.", nameof(hooks));
            }

            if (hook.Timeout is { } timeout)
            {
                ClaudeSession.CheckTimeout($"the {hook.Event} hook's Timeout", timeout);
            }

            var ids = new List<string>();
            foreach (var callback in hook.Callbacks)
            {
                ArgumentNullException.ThrowIfNull(callback, nameof(ClaudeHookMatcher.Callbacks));
                var id = "hook_" + callbacks.Count.ToString(CultureInfo.InvariantCulture);
                callbacks[id] = (callback, hook.Timeout);
                ids.Add(id);
            }

            if (!registrations.TryGetValue(hook.Event, out var list))
            {
                registrations[hook.Event] = list = [];
            }

            list.Add((hook.Matcher, ids, hook.Timeout));
        }

        return (callbacks, registrations);
    }

    internal static Dictionary<string, IClaudeSdkMcpServer> IndexMcpServers(IReadOnlyList<IClaudeSdkMcpServer> servers)
    {
        var index = new Dictionary<string, IClaudeSdkMcpServer>(StringComparer.Ordinal);
        foreach (var server in servers ?? [])
        {
            ArgumentNullException.ThrowIfNull(server, nameof(ClaudeSessionOptions.SdkMcpServers));
            ArgumentException.ThrowIfNullOrWhiteSpace(server.Name, nameof(IClaudeSdkMcpServer.Name));
            if (!index.TryAdd(server.Name, server))
            {
                throw new ArgumentException($"Two in-process MCP servers are named '{server.Name}'; names must be unique in a session.", nameof(servers));
            }
        }

        return index;
    }

    /// <summary>Indexes the caller's instances and creates this process's own servers from the factories.</summary>
    public void CreateMcpServers()
    {
        foreach (var factory in _options.SdkMcpServerFactories)
        {
            OwnedMcpServers.Add(factory() ?? throw new InvalidOperationException("A ClaudeSessionOptions.SdkMcpServerFactories entry returned null."));
        }

        McpServers = IndexMcpServers([.. _options.SdkMcpServers, .. OwnedMcpServers]);
    }

    /// <summary>How many CLI → host callbacks are running now (for tests and diagnostics).</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>Starts the callback on the thread pool: the reader goes straight back to the stream.</summary>
    public void Dispatch(ControlRequestMessage request)
    {
        Log.ControlRequestReceived(_logger, _sessionId(), request.Subtype, request.RequestId);
        var callback = new InFlightCallback(TimeoutFor(request), _time, _lifetime);
        if (!_inFlight.TryAdd(request.RequestId, callback))
        {
            // A duplicate id would make two answers for one request; the first one in flight wins.
            callback.Dispose();
            return;
        }

        callback.Task = Task.Run(() => RunCallbackAsync(request, callback), CancellationToken.None);
    }

    private TimeSpan? TimeoutFor(ControlRequestMessage request)
    {
        if (request.Subtype == "hook_callback"
            && ClaudeSession.ReadString(request.Request, "callback_id"u8) is { } id
            && HookCallbacks.TryGetValue(id, out var hook))
        {
            return hook.Timeout;
        }

        return _options.CallbackTimeout;
    }

    private async Task RunCallbackAsync(ControlRequestMessage request, InFlightCallback callback)
    {
        var token = callback.Token;
        try
        {
            Action<Utf8JsonWriter>? payload = request.Subtype switch
            {
                "can_use_tool" => await HandleCanUseToolAsync(request.Request, token).ConfigureAwait(false),
                "hook_callback" => await HandleHookCallbackAsync(request.Request, token).ConfigureAwait(false),
                "mcp_message" => await HandleMcpMessageAsync(request.Request, token).ConfigureAwait(false),
                // Like the SDKs: without an elicitation handler, decline rather than leave the MCP server waiting.
                "elicitation" => static w =>
                {
                    w.WriteStartObject();
                    w.WriteString("action"u8, "decline"u8);
                    w.WriteEndObject();
                },
                _ => null,
            };

            if (payload is null)
            {
                Log.UnsupportedControlRequest(_logger, _sessionId(), request.Subtype);
                await ReplyErrorAsync(request.RequestId, $"Unsupported control request subtype: {request.Subtype}").ConfigureAwait(false);
                return;
            }

            await ReplySuccessAsync(request.RequestId, payload).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            if (callback.TimedOut)
            {
                await ReplyErrorAsync(request.RequestId, $"The host's {request.Subtype} callback timed out.").ConfigureAwait(false);
            }

            // Withdrawn by the CLI, or the session is closing: the CLI expects no answer.
        }
        catch (Exception ex)
        {
            // Opt-in disclosure, like the Mcp package: by default the model sees only an id the host's log can be searched for.
            var errorId = "err_" + Guid.NewGuid().ToString("N")[..12];
            Log.CallbackFailed(_logger, _sessionId(), request.Subtype, request.RequestId, errorId, ex);
            var text = _options.IncludeExceptionMessages
                ? $"The host's {request.Subtype} callback failed: {ex.Message} (error id {errorId})"
                : $"The host's {request.Subtype} callback failed (error id {errorId}); the host's log has the details.";
            await ReplyErrorAsync(request.RequestId, text).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(request.RequestId, out _);
            callback.Dispose();
        }
    }

    private async Task<Action<Utf8JsonWriter>?> HandleCanUseToolAsync(JsonElement request, CancellationToken cancellationToken)
    {
        if (_options.CanUseTool is not { } handler)
        {
            throw new InvalidOperationException("The CLI asked for a tool permission, but ClaudeSessionOptions.CanUseTool is not set.");
        }

        var permission = new ClaudeToolPermissionRequest
        {
            ToolName = ClaudeSession.ReadString(request, "tool_name"u8) ?? string.Empty,
            Input = request.TryGetProperty("input"u8, out var input) ? input : default,
            ToolUseId = ClaudeSession.ReadString(request, "tool_use_id"u8),
            DecisionReason = ClaudeSession.ReadString(request, "decision_reason"u8),
            DecisionReasonType = ClaudeSession.ReadString(request, "decision_reason_type"u8),
            BlockedPath = ClaudeSession.ReadString(request, "blocked_path"u8),
            AgentId = ClaudeSession.ReadString(request, "agent_id"u8),
            Suggestions = request.TryGetProperty("permission_suggestions"u8, out var suggestions) ? suggestions : null,
            Raw = request,
        };

        // WaitAsync: a handler that ignores its token must not keep the CLI without an answer past the timeout.
        var result = await handler(permission, cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The CanUseTool handler returned null instead of a ClaudePermissionResult.");
        return w => result.WriteTo(w, permission);
    }

    private async Task<Action<Utf8JsonWriter>?> HandleHookCallbackAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var id = ClaudeSession.ReadString(request, "callback_id"u8);
        if (id is null || !HookCallbacks.TryGetValue(id, out var hook))
        {
            throw new InvalidOperationException($"The CLI called hook callback '{id}', which this session did not register.");
        }

        var input = request.TryGetProperty("input"u8, out var raw) ? raw : default;
        var hookInput = new ClaudeHookInput
        {
            EventName = ClaudeSession.ReadString(input, "hook_event_name"u8) ?? string.Empty,
            SessionId = ClaudeSession.ReadString(input, "session_id"u8),
            ToolName = ClaudeSession.ReadString(input, "tool_name"u8),
            ToolInput = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("tool_input"u8, out var toolInput) ? toolInput : null,
            ToolUseId = ClaudeSession.ReadString(input, "tool_use_id"u8) ?? ClaudeSession.ReadString(request, "tool_use_id"u8),
            Raw = input,
        };

        var output = await hook.Callback(hookInput, cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false) ?? ClaudeHookOutput.Continue;
        return output.WriteTo;
    }

    private async Task<Action<Utf8JsonWriter>?> HandleMcpMessageAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var name = ClaudeSession.ReadString(request, "server_name"u8);
        var message = request.TryGetProperty("message"u8, out var m) ? m : default;
        JsonElement? response;
        if (name is not null && McpServers.TryGetValue(name, out var server))
        {
            response = await server.HandleMessageAsync(message, cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false)
                ?? ErrorResponse(message, -32603, $"The in-process MCP server '{name}' gave no response to a request.");
        }
        else
        {
            response = ErrorResponse(message, -32601, $"This session has no in-process MCP server named '{name}'.");
        }

        return w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("mcp_response"u8);
            if (response is { } r)
            {
                r.WriteTo(w);
            }
            else
            {
                // A notification has no response; the CLI still expects a well-formed JSON-RPC result here (SPEC §5.4).
                w.WriteStartObject();
                w.WriteString("jsonrpc"u8, "2.0"u8);
                w.WriteStartObject("result"u8);
                w.WriteEndObject();
                w.WriteNumber("id"u8, 0);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        };
    }

    /// <summary>A JSON-RPC error answering <paramref name="message"/>, or <see langword="null"/> for a notification (no id).</summary>
    private static JsonElement? ErrorResponse(JsonElement message, int code, string text)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("id"u8, out var id))
        {
            return null;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writer.WritePropertyName("id"u8);
            id.WriteTo(writer);
            writer.WriteStartObject("error"u8);
            writer.WriteNumber("code"u8, code);
            writer.WriteString("message"u8, text);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private Task ReplySuccessAsync(string requestId, Action<Utf8JsonWriter> payload) =>
        ReplyAsync(requestId, success: true, w =>
        {
            w.WritePropertyName("response"u8);
            payload(w);
        });

    private Task ReplyErrorAsync(string requestId, string error) =>
        ReplyAsync(requestId, success: false, w => w.WriteString("error"u8, error));

    // A reply that cannot be written (the process is gone) is logged, not thrown: the reader loop reports the fault.
    private async Task ReplyAsync(string requestId, bool success, Action<Utf8JsonWriter> body)
    {
        try
        {
            await _writeFrame(
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString("type"u8, "control_response"u8);
                    w.WriteStartObject("response"u8);
                    w.WriteString("subtype"u8, success ? "success"u8 : "error"u8);
                    w.WriteString("request_id"u8, requestId);
                    body(w);
                    w.WriteEndObject();
                    w.WriteEndObject();
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ClaudeException or ObjectDisposedException or IOException)
        {
            Log.ControlReplyFailed(_logger, _sessionId(), requestId, ex);
        }
    }

    /// <summary>A CLI → host request being handled: its token (cancelled by the CLI, a timeout or the session) and its task.</summary>
    private sealed class InFlightCallback : IDisposable
    {
        private readonly CancellationTokenSource _cts;
        private readonly CancellationTokenSource? _timeout;
        private readonly CancellationTokenRegistration _timeoutRegistration;
        private int _timedOut;

        public InFlightCallback(TimeSpan? timeout, TimeProvider time, CancellationToken sessionLifetime)
        {
            _cts = CancellationTokenSource.CreateLinkedTokenSource(sessionLifetime);
            if (timeout is { } t)
            {
                _timeout = new CancellationTokenSource(t, time);
                _timeoutRegistration = _timeout.Token.Register(static s =>
                {
                    var self = (InFlightCallback)s!;
                    Interlocked.Exchange(ref self._timedOut, 1);
                    self.Cancel();
                }, this);
            }

            Token = _cts.Token;
        }

        public CancellationToken Token { get; }

        public Task Task { get; set; } = Task.CompletedTask;

        public bool TimedOut => Volatile.Read(ref _timedOut) != 0;

        public void CancelByCli() => Cancel();

        public void CancelBySession() => Cancel();

        public void Dispose()
        {
            _timeoutRegistration.Dispose();
            _timeout?.Dispose();
            _cts.Dispose();
        }

        private void Cancel()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The callback already finished.
            }
        }
    }
}
