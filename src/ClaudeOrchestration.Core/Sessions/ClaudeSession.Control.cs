using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Sessions;

/// <summary>Host → CLI control requests.</summary>
public sealed partial class ClaudeSession
{
    /// <summary>
    /// Interrupts the running turn (<c>interrupt</c>). The turn ends with an <c>error_during_execution</c> result whose
    /// terminal reason is <c>aborted_streaming</c> (or <c>aborted_tools</c>); the session stays usable. To cancel a turn you
    /// are streaming, cancel the token you gave <see cref="SendAsync(string, CancellationToken)"/> instead: that also waits
    /// for the end and kills the process when the CLI does not comply.
    /// </summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The CLI's receipt.</returns>
    public async Task<ClaudeInterruptReceipt> InterruptAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendControlRequestCoreAsync("interrupt", null, _options.ControlRequestTimeout, allowStarting: false, cancellationToken)
            .ConfigureAwait(false);
        var queued = new List<string>();
        if (response is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("still_queued"u8, out var still) && still.ValueKind == JsonValueKind.Array)
        {
            queued.AddRange(still.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
        }

        return new ClaudeInterruptReceipt { StillQueued = queued, Raw = response };
    }

    /// <summary>Switches the model for the following requests (<c>set_model</c>).</summary>
    /// <param name="model">A model alias or id; <see langword="null"/> returns to the default model.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The model the CLI reports, when it reports one.</returns>
    public async Task<string?> SetModelAsync(string? model, CancellationToken cancellationToken = default)
    {
        var response = await SendControlRequestCoreAsync(
            "set_model",
            w =>
            {
                if (model is null)
                {
                    w.WriteNull("model"u8);
                }
                else
                {
                    w.WriteString("model"u8, model);
                }
            },
            _options.ControlRequestTimeout,
            allowStarting: false,
            cancellationToken).ConfigureAwait(false);
        return ReadString(response, "model"u8);
    }

    /// <summary>Switches the permission mode (<c>set_permission_mode</c>).</summary>
    /// <param name="mode">The new mode.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the CLI has switched.</returns>
    public async Task SetPermissionModeAsync(ClaudePermissionMode mode, CancellationToken cancellationToken = default)
    {
        var wire = mode.ToWire();
        await SendControlRequestCoreAsync("set_permission_mode", w => w.WriteString("mode"u8, wire), _options.ControlRequestTimeout, allowStarting: false, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Lists the MCP servers the CLI knows, with their status and tools (<c>mcp_status</c>).</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The servers.</returns>
    public async Task<IReadOnlyList<ClaudeMcpServerInfo>> GetMcpStatusAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendControlRequestCoreAsync("mcp_status", null, _options.ControlRequestTimeout, allowStarting: false, cancellationToken)
            .ConfigureAwait(false);
        var servers = new List<ClaudeMcpServerInfo>();
        if (response is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("mcpServers"u8, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var server in list.EnumerateArray())
            {
                var tools = new List<string>();
                if (server.TryGetProperty("tools"u8, out var toolList) && toolList.ValueKind == JsonValueKind.Array)
                {
                    tools.AddRange(toolList.EnumerateArray().Select(t => ReadString(t, "name"u8)).OfType<string>());
                }

                servers.Add(new ClaudeMcpServerInfo
                {
                    Name = ReadString(server, "name"u8) ?? string.Empty,
                    Status = ReadString(server, "status"u8) ?? string.Empty,
                    Transport = ReadString(server, "transport"u8),
                    Tools = tools,
                    Raw = server,
                });
            }
        }

        return servers;
    }

    /// <summary>Reconnects an MCP server (<c>mcp_reconnect</c>).</summary>
    /// <param name="serverName">The server's name.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the CLI has answered.</returns>
    /// <exception cref="ClaudeControlException">The CLI refused, e.g. because the server is disabled.</exception>
    public async Task ReconnectMcpServerAsync(string serverName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serverName);
        await SendControlRequestCoreAsync("mcp_reconnect", w => w.WriteString("serverName"u8, serverName), _options.ControlRequestTimeout, allowStarting: false, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Enables or disables an MCP server (<c>mcp_toggle</c>).</summary>
    /// <param name="serverName">The server's name.</param>
    /// <param name="enabled">Whether the server should be enabled.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the CLI has answered.</returns>
    public async Task ToggleMcpServerAsync(string serverName, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serverName);
        await SendControlRequestCoreAsync(
            "mcp_toggle",
            w =>
            {
                w.WriteString("serverName"u8, serverName);
                w.WriteBoolean("enabled"u8, enabled);
            },
            _options.ControlRequestTimeout,
            allowStarting: false,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reports how the context window is used, by category (<c>get_context_usage</c>).</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The usage.</returns>
    public async Task<ClaudeContextUsage> GetContextUsageAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendControlRequestCoreAsync("get_context_usage", w => w.WriteString("detail"u8, "summary"u8), _options.ControlRequestTimeout, allowStarting: false, cancellationToken)
            .ConfigureAwait(false) ?? default;
        var categories = new List<ClaudeContextCategory>();
        if (response.ValueKind == JsonValueKind.Object && response.TryGetProperty("categories"u8, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var category in list.EnumerateArray())
            {
                categories.Add(new ClaudeContextCategory
                {
                    Id = ReadString(category, "id"u8) ?? string.Empty,
                    Name = ReadString(category, "name"u8) ?? string.Empty,
                    Tokens = category.TryGetProperty("tokens"u8, out var tokens) && tokens.TryGetInt64(out var n) ? n : 0,
                    Kind = ReadString(category, "kind"u8),
                });
            }
        }

        return new ClaudeContextUsage { Categories = categories, Raw = response };
    }

    /// <summary>
    /// Sends any control request (the escape hatch for subtypes without a method, e.g. <c>get_session_cost</c>,
    /// <c>stop_task</c>, <c>rewind_files</c>, <c>mcp_set_servers</c>).
    /// </summary>
    /// <param name="subtype">The request's <c>subtype</c>.</param>
    /// <param name="fields">The request's other fields, or <see langword="null"/>; a <c>subtype</c> field here is ignored.</param>
    /// <param name="timeout">How long to wait for the answer; <see langword="null"/> uses <see cref="ClaudeSessionOptions.ControlRequestTimeout"/>.</param>
    /// <param name="cancellationToken">Cancelling withdraws the request (<c>control_cancel_request</c>).</param>
    /// <returns>The success payload (<c>response</c>), or <see langword="null"/> when the CLI sent none.</returns>
    /// <exception cref="ClaudeControlException">The CLI answered with an error (an unknown subtype, for one).</exception>
    /// <exception cref="TimeoutException">No answer within the timeout; the request was withdrawn.</exception>
    public Task<JsonElement?> SendControlRequestAsync(string subtype, JsonObject? fields = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subtype);
        Action<Utf8JsonWriter>? write = fields is null
            ? null
            : w =>
            {
                foreach (var (name, value) in fields)
                {
                    if (name == "subtype")
                    {
                        continue;
                    }

                    w.WritePropertyName(name);
                    if (value is null)
                    {
                        w.WriteNullValue();
                    }
                    else
                    {
                        value.WriteTo(w);
                    }
                }
            };
        return SendControlRequestCoreAsync(subtype, write, timeout ?? _options.ControlRequestTimeout, allowStarting: false, cancellationToken);
    }

    private async Task<JsonElement?> SendControlRequestCoreAsync(
        string subtype, Action<Utf8JsonWriter>? writeFields, TimeSpan timeout, bool allowStarting, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!(allowStarting && _state == ClaudeSessionState.Starting))
            {
                ThrowIfUnusable();
            }
        }

        var id = _requestPrefix + Interlocked.Increment(ref _requestCounter).ToString(CultureInfo.InvariantCulture);
        var pending = new PendingRequest(subtype);
        _pending[id] = pending;
        Task? write = null;
        var written = false;
        try
        {
            // A fault between the check above and the registration would leave this request waiting for its timeout.
            if (Fault is { } fault)
            {
                throw fault;
            }

            // The timeout covers the write too: a CLI that stops reading its stdin would otherwise block this call forever.
            write = WriteFrameAsync(
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString("type"u8, "control_request"u8);
                    w.WriteString("request_id"u8, id);
                    w.WriteStartObject("request"u8);
                    w.WriteString("subtype"u8, subtype);
                    writeFields?.Invoke(w);
                    w.WriteEndObject();
                    w.WriteEndObject();
                },
                cancellationToken);
            var started = _time.GetTimestamp();
            await write.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            written = true;
            var remaining = timeout - _time.GetElapsedTime(started);
            return await pending.Completion.Task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (write is not null && !written)
        {
            var stalled = new TimeoutException(
                $"The claude CLI did not read the '{subtype}' control request from its stdin within {timeout}; the process was stopped. Resume the conversation with ResumeAsync.");
            await FaultAsync(stalled).ConfigureAwait(false);
            throw stalled;
        }
        catch (TimeoutException) when (!pending.Completion.Task.IsCompleted)
        {
            await WithdrawAsync(id).ConfigureAwait(false);
            throw new TimeoutException($"The claude CLI did not answer the '{subtype}' control request within {timeout}; the request was withdrawn.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !pending.Completion.Task.IsCompleted)
        {
            if (written)
            {
                await WithdrawAsync(id).ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task WithdrawAsync(string requestId)
    {
        try
        {
            await WriteFrameAsync(
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString("type"u8, "control_cancel_request"u8);
                    w.WriteString("request_id"u8, requestId);
                    w.WriteEndObject();
                },
                CancellationToken.None).WaitAsync(_options.ControlRequestTimeout, _time).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ClaudeException or ObjectDisposedException or IOException or TimeoutException)
        {
            // The CLI is gone, or not reading: nothing to withdraw from that would arrive.
        }
    }

    internal async Task SendInterruptQuietlyAsync()
    {
        try
        {
            await SendControlRequestCoreAsync("interrupt", WriteCancelQueued, _options.InterruptTimeout, allowStarting: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ClaudeException or TimeoutException or InvalidOperationException)
        {
            // The first interrupt's wait decides what happens to the turn.
        }
    }

    private static void WriteCancelQueued(Utf8JsonWriter writer) => writer.WriteBoolean("cancel_queued"u8, true);

    private void CompletePending(ControlResponseMessage response)
    {
        if (!_pending.TryRemove(response.RequestId, out var pending))
        {
            return;
        }

        if (response.Subtype == "success")
        {
            pending.Completion.TrySetResult(response.Response);
        }
        else
        {
            pending.Completion.TrySetException(new ClaudeControlException(pending.Subtype, response.Error ?? "(no error text)", response.ErrorCode));
        }
    }

    private void WriteInitializeFields(Utf8JsonWriter w)
    {
        var run = _options.RunOptions;
        if (_callbacks.HookRegistrations.Count > 0)
        {
            w.WriteStartObject("hooks"u8);
            foreach (var (eventName, matchers) in _callbacks.HookRegistrations)
            {
                w.WriteStartArray(eventName);
                foreach (var (matcher, ids, timeout) in matchers)
                {
                    w.WriteStartObject();
                    if (matcher is not null)
                    {
                        w.WriteString("matcher"u8, matcher);
                    }

                    w.WriteStartArray("hookCallbackIds"u8);
                    foreach (var id in ids)
                    {
                        w.WriteStringValue(id);
                    }

                    w.WriteEndArray();
                    if (timeout is { } t)
                    {
                        w.WriteNumber("timeout"u8, (int)Math.Ceiling(t.TotalSeconds));
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        if (_callbacks.McpServers.Count > 0)
        {
            w.WriteStartArray("sdkMcpServers"u8);
            foreach (var name in _callbacks.McpServers.Keys)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
        }

        if (run.SystemPrompt is { } systemPrompt)
        {
            w.WriteStartArray("systemPrompt"u8);
            w.WriteStringValue(systemPrompt);
            w.WriteEndArray();
        }

        if (run.AppendSystemPrompt is { } append)
        {
            w.WriteString("appendSystemPrompt"u8, append);
        }

        if (run.JsonSchema is { } schema)
        {
            w.WritePropertyName("jsonSchema"u8);
            schema.WriteTo(w);
        }

        if (_options.Agents is { Count: > 0 } agents)
        {
            w.WriteStartObject("agents"u8);
            foreach (var (name, definition) in agents)
            {
                w.WritePropertyName(name);
                definition.WriteTo(w);
            }

            w.WriteEndObject();
        }
    }

    /// <summary>Checks hooks and MCP servers before a process is spawned for them.</summary>
    internal static void ValidateOptions(ClaudeSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.RunOptions, nameof(ClaudeSessionOptions.RunOptions));
        if (OneShotSettingError(options.RunOptions) is { } oneShot)
        {
            throw new ArgumentException(oneShot, nameof(options));
        }
        SessionCallbacks.RegisterHooks(options.Hooks);
        SessionCallbacks.IndexMcpServers(options.SdkMcpServers);
        ArgumentNullException.ThrowIfNull(options.SdkMcpServerFactories, nameof(ClaudeSessionOptions.SdkMcpServerFactories));
        foreach (var factory in options.SdkMcpServerFactories)
        {
            ArgumentNullException.ThrowIfNull(factory, nameof(ClaudeSessionOptions.SdkMcpServerFactories));
        }
        CheckTimeout(nameof(ClaudeSessionOptions.ControlRequestTimeout), options.ControlRequestTimeout);
        CheckTimeout(nameof(ClaudeSessionOptions.InitializeTimeout), options.InitializeTimeout);
        CheckTimeout(nameof(ClaudeSessionOptions.InterruptTimeout), options.InterruptTimeout);
        if (options.CallbackTimeout is { } callbackTimeout)
        {
            CheckTimeout(nameof(ClaudeSessionOptions.CallbackTimeout), callbackTimeout);
        }
    }

    /// <summary>
    /// Settings of <see cref="ClaudeRunOptions"/> that only <c>ClaudeClient</c>'s one-shot runs have a meaning for. Silently
    /// ignoring them would let a caller believe a session is bounded or prioritised when it is not.
    /// </summary>
    private static string? OneShotSettingError(ClaudeRunOptions run)
    {
        if (run.Timeout is { } timeout)
        {
            return $"ClaudeSessionOptions.RunOptions: ClaudeRunOptions.Timeout ({timeout}) bounds a one-shot run; a session has no overall deadline. Leave it null and bound each turn with the token you give SendAsync/RunAsync (e.g. new CancellationTokenSource(timeout)).";
        }

        if (run.TaskId is not null)
        {
            return $"ClaudeSessionOptions.RunOptions: ClaudeRunOptions.TaskId ('{run.TaskId}') names a one-shot run in ClaudeClient's task list; a session is identified by its SessionId (or its pool key). Leave it null.";
        }

        return run.Priority != 0
            ? $"ClaudeSessionOptions.RunOptions: ClaudeRunOptions.Priority ({run.Priority}) orders one-shot runs waiting for ClaudeClient's process slots; sessions do not take those slots (cap them with ClaudeSessionPoolOptions.MaxSessions). Leave it 0."
            : null;
    }

    /// <summary>The longest timeout timers accept (about 49.7 days); use <see langword="null"/> where "none" is allowed.</summary>
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    internal static void CheckTimeout(string name, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(name, timeout, $"{name} must be positive and at most {MaxTimeout.TotalDays:0.#} days; {timeout} is not.");
        }
    }

    internal static string? ReadString(JsonElement? element, ReadOnlySpan<byte> name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private sealed class PendingRequest(string subtype)
    {
        public string Subtype { get; } = subtype;

        public TaskCompletionSource<JsonElement?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
