using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ClaudeOrchestration.Mcp.Diagnostics;
using ClaudeOrchestration.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp;

/// <summary>
/// An in-process MCP server for a Claude Code session: C# tools (and optionally resources and prompts) served by the
/// official MCP C# SDK's <see cref="McpServer"/>, reached by the CLI through the session's control channel
/// (<c>mcp_message</c>) instead of a child process or a socket.
/// </summary>
/// <remarks>
/// <para>
/// Create one instance per <see cref="ClaudeSession"/> and attach it to <see cref="ClaudeSessionOptions.SdkMcpServers"/>;
/// the tools appear to the model as <c>mcp__&lt;Name&gt;__&lt;tool&gt;</c>. An instance holds one MCP session (the CLI's
/// <c>initialize</c>, its negotiated protocol version and its request ids), so it must not be shared by two CLI processes;
/// the <see cref="McpServerTool"/> objects themselves can be shared. <see cref="ClaudeSdkMcpServerFactory"/> creates fresh
/// instances from one definition.
/// </para>
/// <para>
/// Thread safety: <see cref="HandleMessageAsync"/> may be called concurrently; each request waits only for the response with
/// its own id. Only client-to-server traffic is carried: requests the server would send to the CLI (sampling, elicitation,
/// roots) are answered with a JSON-RPC error, and its notifications (progress, log messages) are dropped, because the
/// control channel offers no way to deliver them.
/// </para>
/// </remarks>
public sealed class ClaudeSdkMcpServer : IClaudeSdkMcpServer, IAsyncDisposable
{
    private static readonly JsonTypeInfo<JsonRpcMessage> ReadTypeInfo = McpJsonUtilities.GetTypeInfo<JsonRpcMessage>(McpJsonUtilities.ProtocolOptions);
    private static readonly JsonTypeInfo<JsonRpcMessage> WriteTypeInfo = McpJsonUtilities.GetTypeInfo<JsonRpcMessage>(McpJsonUtilities.DefaultOptions);

    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly InProcessServerTransport _transport;
    private readonly McpServer _server;
    private readonly ILogger _logger;
    private readonly Task _run;
    private readonly bool _alwaysLoadTools;
    private Exception? _stopped;
    private int _disposed;

    private ClaudeSdkMcpServer(ClaudeSdkMcpServerOptions options, IServiceProvider? services, ILoggerFactory? loggerFactory)
    {
        Name = options.Name;
        Version = options.Version;
        _alwaysLoadTools = options.AlwaysLoadTools;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ClaudeSdkMcpServer>();
        _transport = new InProcessServerTransport(OnServerMessageAsync);
        _server = McpServer.Create(_transport, CreateServerOptions(options, _logger), loggerFactory, services);
        _run = RunAsync();
    }

    /// <summary>Gets the server name declared to the CLI; tools appear as <c>mcp__&lt;Name&gt;__&lt;tool&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the version reported in the MCP <c>initialize</c> result.</summary>
    public string Version { get; }

    /// <summary>Creates a server with these tools, resources and prompts.</summary>
    /// <param name="name">The server name; letters, digits, <c>_</c> and <c>-</c> only.</param>
    /// <param name="tools">The tools, e.g. <c>[McpServerTool.Create((int a, int b) =&gt; a + b, new() { Name = "add" })]</c>.</param>
    /// <param name="resources">Optional resources.</param>
    /// <param name="prompts">Optional prompts.</param>
    /// <returns>A started server; dispose it when the session ends.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid server name, or two tools share a name.</exception>
    public static ClaudeSdkMcpServer Create(
        string name,
        IEnumerable<McpServerTool>? tools = null,
        IEnumerable<McpServerResource>? resources = null,
        IEnumerable<McpServerPrompt>? prompts = null) =>
        Create(new ClaudeSdkMcpServerOptions
        {
            Name = name,
            Tools = [.. tools ?? []],
            Resources = [.. resources ?? []],
            Prompts = [.. prompts ?? []],
        });

    /// <summary>Creates a server from a definition.</summary>
    /// <param name="options">The definition; it can create many servers.</param>
    /// <param name="services">
    /// The services for tool parameters that the tools were created to resolve from DI
    /// (<see cref="McpServerToolCreateOptions.Services"/>), and for instance tools built by <see cref="ClaudeSdkMcpTools"/>.
    /// Each call gets its own scope when the provider supports scopes.
    /// </param>
    /// <param name="loggerFactory">Logs this bridge and the SDK's server; <see langword="null"/> for none.</param>
    /// <returns>A started server; dispose it when the session ends.</returns>
    /// <exception cref="ArgumentException">The name is not a valid server name, or two tools share a name.</exception>
    public static ClaudeSdkMcpServer Create(ClaudeSdkMcpServerOptions options, IServiceProvider? services = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return new ClaudeSdkMcpServer(options, services, loggerFactory);
    }

    /// <summary>
    /// A factory for <see cref="ClaudeSessionOptions.SdkMcpServerFactories"/>: every CLI process of the session (and of its
    /// resumes and forks) gets a fresh server with these tools, and the session disposes it. The definition is checked now.
    /// </summary>
    /// <param name="name">The server name; letters, digits, <c>_</c> and <c>-</c> only.</param>
    /// <param name="tools">The tools; the same <see cref="McpServerTool"/> objects are shared by every server created.</param>
    /// <param name="resources">Optional resources.</param>
    /// <param name="prompts">Optional prompts.</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid server name, or two tools share a name.</exception>
    public static Func<IClaudeSdkMcpServer> Factory(
        string name,
        IEnumerable<McpServerTool>? tools = null,
        IEnumerable<McpServerResource>? resources = null,
        IEnumerable<McpServerPrompt>? prompts = null) =>
        Factory(new ClaudeSdkMcpServerOptions
        {
            Name = name,
            Tools = [.. tools ?? []],
            Resources = [.. resources ?? []],
            Prompts = [.. prompts ?? []],
        });

    /// <summary>A factory for <see cref="ClaudeSessionOptions.SdkMcpServerFactories"/> from a definition (see <see cref="Factory(string, IEnumerable{McpServerTool}?, IEnumerable{McpServerResource}?, IEnumerable{McpServerPrompt}?)"/>).</summary>
    /// <param name="options">The definition; do not change it afterwards.</param>
    /// <param name="services">The services for the tools, as for <see cref="Create(ClaudeSdkMcpServerOptions, IServiceProvider?, ILoggerFactory?)"/>.</param>
    /// <param name="loggerFactory">Logs the servers; <see langword="null"/> for none.</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentException">The name is not a valid server name, or two tools share a name.</exception>
    public static Func<IClaudeSdkMcpServer> Factory(ClaudeSdkMcpServerOptions options, IServiceProvider? services = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return () => new ClaudeSdkMcpServer(options, services, loggerFactory);
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    /// <exception cref="InvalidOperationException">The SDK's server stopped unexpectedly; the inner exception says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; a request still running is
    /// cancelled inside the server too (<c>notifications/cancelled</c>), so the tool's own token fires.</exception>
    public async ValueTask<JsonElement?> HandleMessageAsync(JsonElement jsonRpcMessage, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        cancellationToken.ThrowIfCancellationRequested();

        if (!TryParse(jsonRpcMessage, out var message, out var parseError))
        {
            return parseError;
        }

        var method = (message as JsonRpcRequest)?.Method ?? (message as JsonRpcNotification)?.Method;
        using var activity = McpTelemetry.Source.StartActivity("claude.mcp_message", ActivityKind.Server);
        activity?.SetTag("mcp.server.name", Name);
        activity?.SetTag("mcp.method.name", method);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            JsonElement? response;
            switch (message)
            {
                case JsonRpcRequest request:
                    response = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
                    if (_alwaysLoadTools && request.Method == RequestMethods.ToolsList && response is { } listed)
                    {
                        response = MarkAlwaysLoad(listed);
                    }

                    break;

                case JsonRpcNotification notification:
                    Log.NotificationReceived(_logger, Name, notification.Method);
                    Deliver(notification);
                    response = null;
                    break;

                default:
                    // A response from the CLI can only answer a request this bridge sent it, and it sends none
                    // (server-to-client requests are refused before they leave). Drop it rather than confuse the server.
                    Log.UnexpectedClientResponse(_logger, Name, ((JsonRpcMessageWithId)message).Id.ToString());
                    response = null;
                    break;
            }

            outcome = response is { } r && r.TryGetProperty("error"u8, out _) ? "error" : "ok";
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
            throw;
        }
        finally
        {
            activity?.SetTag("outcome", outcome);
            if (outcome == "error")
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            McpTelemetry.MessageDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new("mcp.server.name", Name),
                new("mcp.method.name", method),
                new("outcome", outcome));
        }
    }

    /// <summary>Stops the server. Calls still waiting fail with <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>A task that completes when the server's message loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _transport.Close();
        FailPending(() => new ObjectDisposedException(nameof(ClaudeSdkMcpServer), $"The in-process MCP server '{Name}' was disposed while the request was in flight."));
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false); // never throws: RunAsync records its own failure
        await _server.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"ClaudeSdkMcpServer {Name} {Version}";

    private async Task<JsonElement?> SendRequestAsync(JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var response = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(request.Id, response))
        {
            return ToElement(CreateError(request.Id, McpErrorCode.InvalidRequest,
                $"A request with id {request.Id} is already in flight on MCP server '{Name}'. JSON-RPC ids must be unique among pending requests."));
        }

        // Re-check after publishing the waiter: disposal sets the flag before it fails the pending calls, so a waiter
        // added after that sweep is caught here instead of waiting forever.
        if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref _stopped) is not null)
        {
            _pending.TryRemove(new(request.Id, response));
            ThrowIfUnusable();
        }

        Log.RequestReceived(_logger, Name, request.Method, request.Id.ToString());
        try
        {
            Deliver(request);
        }
        catch
        {
            _pending.TryRemove(new(request.Id, response));
            throw;
        }

        try
        {
            return await response.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (_pending.TryRemove(new(request.Id, response)))
            {
                // Tell the SDK, exactly as an MCP client would, so the handler's CancellationToken fires.
                Log.RequestCancelled(_logger, Name, request.Method, request.Id.ToString());
                _transport.TryDeliver(new JsonRpcNotification
                {
                    Method = NotificationMethods.CancelledNotification,
                    Params = JsonSerializer.SerializeToNode(
                        new CancelledNotificationParams { RequestId = request.Id, Reason = "The Claude Code session withdrew the request." },
                        McpJsonUtilities.GetTypeInfo<CancelledNotificationParams>(McpJsonUtilities.DefaultOptions)),
                });
            }

            throw;
        }
    }

    private Task OnServerMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case JsonRpcResponse or JsonRpcError:
                var id = ((JsonRpcMessageWithId)message).Id;
                if (_pending.TryRemove(id, out var waiter))
                {
                    waiter.TrySetResult(ToElement(message));
                }
                else
                {
                    // The caller was cancelled (or the request was a duplicate); nobody is waiting for this answer.
                    Log.LateResponseDropped(_logger, Name, id.ToString());
                }

                break;

            case JsonRpcRequest request:
                // The control channel carries only CLI-to-server calls, so sampling, elicitation and roots cannot reach the
                // CLI. Answer at once so the tool that asked fails fast instead of waiting for a reply that never comes.
                Log.ServerRequestRefused(_logger, Name, request.Method);
                _transport.TryDeliver(CreateError(request.Id, McpErrorCode.MethodNotFound,
                    $"'{request.Method}' is not available: an in-process MCP server for Claude Code cannot send requests to the CLI."));
                break;

            case JsonRpcNotification notification:
                Log.ServerNotificationDropped(_logger, Name, notification.Method);
                break;
        }

        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        // Yield so the constructor never runs any of the server's loop inline.
        await Task.Yield();
        try
        {
            await _server.RunAsync(_lifetime.Token).ConfigureAwait(false);
            if (Volatile.Read(ref _disposed) == 0)
            {
                Stop(new InvalidOperationException($"The in-process MCP server '{Name}' stopped unexpectedly."));
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Disposal.
        }
        catch (Exception exception)
        {
            Log.ServerFailed(_logger, Name, exception);
            Stop(new InvalidOperationException($"The in-process MCP server '{Name}' failed: {exception.Message}", exception));
        }
    }

    private void Stop(Exception reason)
    {
        Interlocked.CompareExchange(ref _stopped, reason, null);
        FailPending(() => new InvalidOperationException(reason.Message, reason.InnerException));
    }

    private void FailPending(Func<Exception> createException)
    {
        foreach (var (id, waiter) in _pending)
        {
            if (_pending.TryRemove(new(id, waiter)))
            {
                waiter.TrySetException(createException());
            }
        }
    }

    private void Deliver(JsonRpcMessage message)
    {
        if (!_transport.TryDeliver(message))
        {
            ThrowIfUnusable();
            throw new InvalidOperationException($"The in-process MCP server '{Name}' is no longer accepting messages.");
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _stopped) is { } stopped)
        {
            throw new InvalidOperationException(stopped.Message, stopped.InnerException);
        }
    }

    private bool TryParse(JsonElement element, out JsonRpcMessage message, out JsonElement? error)
    {
        string problem;
        try
        {
            if (element.Deserialize(ReadTypeInfo) is { } parsed)
            {
                message = parsed;
                error = null;
                return true;
            }

            problem = "the message is null";
        }
        catch (JsonException exception)
        {
            problem = exception.Message;
        }

        // JSON-RPC: an invalid request is answered with id null unless its id can still be read.
        Log.InvalidMessage(_logger, Name, problem);
        var id = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var idElement)
            ? idElement.ValueKind switch
            {
                JsonValueKind.String => new RequestId(idElement.GetString()!),
                JsonValueKind.Number when idElement.TryGetInt64(out var number) => new RequestId(number),
                _ => default,
            }
            : default;
        message = null!;
        error = ToElement(CreateError(id, McpErrorCode.InvalidRequest, $"Invalid JSON-RPC message for MCP server '{Name}': {problem}"));
        return false;
    }

    /// <summary>
    /// Adds <c>anthropic/alwaysLoad: true</c> to each listed tool that does not say otherwise, in the JSON sent to the CLI, so
    /// the shared <see cref="McpServerTool"/> objects are never changed.
    /// </summary>
    private static JsonElement MarkAlwaysLoad(JsonElement response)
    {
        if (JsonNode.Parse(response.GetRawText()) is not JsonObject root || root["result"]?["tools"] is not JsonArray tools)
        {
            return response;
        }

        foreach (var tool in tools.OfType<JsonObject>())
        {
            if (tool["_meta"] is not JsonObject meta)
            {
                tool["_meta"] = meta = [];
            }

            if (!meta.ContainsKey(ClaudeToolMeta.AlwaysLoad))
            {
                meta[ClaudeToolMeta.AlwaysLoad] = true;
            }
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(response.GetRawText().Length + (tools.Count * 32));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            root.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static JsonRpcError CreateError(RequestId id, McpErrorCode code, string text) =>
        new() { Id = id, Error = new JsonRpcErrorDetail { Code = (int)code, Message = text } };

    private static JsonElement ToElement(JsonRpcMessage message) => JsonSerializer.SerializeToElement(message, WriteTypeInfo);

    private static McpServerOptions CreateServerOptions(ClaudeSdkMcpServerOptions options, ILogger logger)
    {
        var serverOptions = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = options.Name, Version = options.Version },
            ServerInstructions = options.Instructions,
        };

        // Fresh collections per server: the SDK owns and may mutate them; the primitives themselves are shareable.
        if (options.Tools.Count > 0)
        {
            serverOptions.ToolCollection = [.. options.Tools];
        }

        if (options.Resources.Count > 0)
        {
            serverOptions.ResourceCollection = [.. options.Resources];
        }

        if (options.Prompts.Count > 0)
        {
            serverOptions.PromptCollection = [.. options.Prompts];
        }

        serverOptions.Filters.Request.CallToolFilters.Add(ToolErrors.Create(options.Name, options.IncludeExceptionMessages, logger));

        return serverOptions;
    }

    private static void Validate(ClaudeSdkMcpServerOptions options)
    {
        var errors = ClaudeSdkMcpServerOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }
    }
}
