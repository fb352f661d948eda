using System.Text.Json;
using ClaudeOrchestration.Diagnostics;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Sessions;

/// <summary>CLI → host control requests: permissions, hooks, in-process MCP servers.</summary>
public sealed partial class ClaudeSession
{
    /// <summary>How many CLI → host callbacks are running now (for tests and diagnostics).</summary>
    internal int InFlightCallbackCount => _inFlight.Count;

    /// <summary>Starts the callback on the thread pool: the reader goes straight back to the stream.</summary>
    private void DispatchCallback(ControlRequestMessage request)
    {
        Log.ControlRequestReceived(_logger, SessionId, request.Subtype, request.RequestId);
        var callback = new InFlightCallback(TimeoutFor(request), _time, _lifetime.Token);
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
            && ReadString(request.Request, "callback_id"u8) is { } id
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
                Log.UnsupportedControlRequest(_logger, SessionId, request.Subtype);
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
            Log.CallbackFailed(_logger, SessionId, request.Subtype, request.RequestId, errorId, ex);
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
            ToolName = ReadString(request, "tool_name"u8) ?? string.Empty,
            Input = request.TryGetProperty("input"u8, out var input) ? input : default,
            ToolUseId = ReadString(request, "tool_use_id"u8),
            DecisionReason = ReadString(request, "decision_reason"u8),
            DecisionReasonType = ReadString(request, "decision_reason_type"u8),
            BlockedPath = ReadString(request, "blocked_path"u8),
            AgentId = ReadString(request, "agent_id"u8),
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
        var id = ReadString(request, "callback_id"u8);
        if (id is null || !HookCallbacks.TryGetValue(id, out var hook))
        {
            throw new InvalidOperationException($"The CLI called hook callback '{id}', which this session did not register.");
        }

        var input = request.TryGetProperty("input"u8, out var raw) ? raw : default;
        var hookInput = new ClaudeHookInput
        {
            EventName = ReadString(input, "hook_event_name"u8) ?? string.Empty,
            SessionId = ReadString(input, "session_id"u8),
            ToolName = ReadString(input, "tool_name"u8),
            ToolInput = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("tool_input"u8, out var toolInput) ? toolInput : null,
            ToolUseId = ReadString(input, "tool_use_id"u8) ?? ReadString(request, "tool_use_id"u8),
            Raw = input,
        };

        var output = await hook.Callback(hookInput, cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false) ?? ClaudeHookOutput.Continue;
        return output.WriteTo;
    }

    private async Task<Action<Utf8JsonWriter>?> HandleMcpMessageAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var name = ReadString(request, "server_name"u8);
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
            await WriteFrameAsync(
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
            Log.ControlReplyFailed(_logger, SessionId, requestId, ex);
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
