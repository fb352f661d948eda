using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Mcp;
using ClaudeOrchestration.Messages;
using ClaudeOrchestration.Sessions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.AI;

/// <summary>
/// Claude Code as an <see cref="IChatClient"/>: each request is one Claude Code turn, on a warm session from a
/// <see cref="ClaudeSessionPool"/> (<see cref="ClaudeCodeChatMode.Session"/>) or a one-shot run
/// (<see cref="ClaudeCodeChatMode.OneShot"/>). <see cref="ChatResponse.ConversationId"/> is the Claude session id; pass it back in
/// <see cref="ChatOptions.ConversationId"/> to continue the conversation. <see cref="AIFunction"/> tools are served to the CLI
/// in-process, so Claude Code calls the host's C# functions itself.
/// </summary>
/// <remarks>
/// Thread-safe. Concurrent requests on different conversations run in parallel; on one conversation they run one after the other.
/// A request that changes a conversation's model, system prompt, JSON schema or tool set reopens its session (<c>--resume</c>),
/// which closes the old process: do not change those while another request on the same conversation is running.
/// </remarks>
public sealed class ClaudeCodeChatClient : IChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata"/>.</summary>
    public const string ProviderName = "claude-code";

    private readonly ClaudeCodeChatClientOptions _options;
    private readonly ClaudeSessionPool? _pool;
    private readonly IClaudeClient? _client;
    private readonly ILogger _logger;
    private readonly ChatClientMetadata _metadata;
    private readonly ConcurrentDictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _shapeLock = new(1, 1);
    private int _disposed;

    /// <summary>Creates a chat client.</summary>
    /// <param name="options">The settings; <see cref="ClaudeCodeChatClientOptions.Mode"/> says which backend is needed.</param>
    /// <param name="sessionPool">The pool warm sessions come from; required in <see cref="ClaudeCodeChatMode.Session"/> mode. Not owned.</param>
    /// <param name="client">The one-shot client; required in <see cref="ClaudeCodeChatMode.OneShot"/> mode. Not owned.</param>
    /// <param name="loggerFactory">Logs; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">The backend the mode needs is missing, or an option is invalid.</exception>
    public ClaudeCodeChatClient(
        ClaudeCodeChatClientOptions options,
        ClaudeSessionPool? sessionPool = null,
        IClaudeClient? client = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.RunOptions);
        if (options.Mode == ClaudeCodeChatMode.Session && sessionPool is null)
        {
            throw new ArgumentException("Session mode needs a ClaudeSessionPool (AddClaudeSessions() registers one).", nameof(sessionPool));
        }

        if (options.Mode == ClaudeCodeChatMode.OneShot && client is null)
        {
            throw new ArgumentException("One-shot mode needs an IClaudeClient (AddClaudeOrchestration() registers one).", nameof(client));
        }

        if (string.IsNullOrEmpty(options.ToolServerName) || !options.ToolServerName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException(
                $"ToolServerName '{options.ToolServerName}' must be letters, digits, '_' or '-' (the model sees tools as mcp__<name>__<tool>).",
                nameof(options));
        }

        _options = options;
        _pool = sessionPool;
        _client = client;
        _logger = loggerFactory?.CreateLogger<ClaudeCodeChatClient>() ?? NullLogger<ClaudeCodeChatClient>.Instance;
        _metadata = new ChatClientMetadata(ProviderName, providerUri: null, defaultModelId: options.DefaultModelId ?? options.RunOptions.Model);
    }

    /// <inheritdoc />
    /// <exception cref="ClaudeResultException">The turn ended in error (max turns, budget, API error); the exception carries the result.</exception>
    /// <exception cref="ClaudeProcessException">The CLI died during the turn.</exception>
    /// <exception cref="NotSupportedException">A setting cannot be honoured and <see cref="ClaudeCodeChatClientOptions.UnsupportedOptions"/> is <see cref="UnsupportedChatOptionBehavior.Throw"/>, or a message holds non-text user content.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Prepare(messages, options);
        using var activity = StartActivity(request, streaming: false);
        var collected = new List<ClaudeMessage>();
        try
        {
            await foreach (var message in RunTurnAsync(request, streaming: false, cancellationToken).ConfigureAwait(false))
            {
                collected.Add(message);
            }

            var response = ClaudeChatMapper.ToResponse(collected, request.Model);
            Complete(activity, response.ConversationId, collected);
            return response;
        }
        catch (Exception ex)
        {
            Fail(activity, ex);
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Text and reasoning arrive as deltas from the CLI's partial messages; the CLI's tool calls and results, then a last update with usage, finish reason and the Claude figures.</remarks>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Prepare(messages, options);
        return StreamAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Returns <see cref="ChatClientMetadata"/>, this client, its <see cref="ClaudeCodeChatClientOptions"/>, the
    /// <see cref="ClaudeSessionPool"/> or <see cref="IClaudeClient"/> behind it, and, with a conversation id as
    /// <paramref name="serviceKey"/>, that conversation's live <see cref="ClaudeSession"/>.
    /// </remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is string conversationId && serviceType == typeof(ClaudeSession))
        {
            return _conversations.TryGetValue(_options.PoolKeyPrefix + conversationId, out var conversation)
                && conversation.Session is { State: not (ClaudeSessionState.Closed or ClaudeSessionState.Faulted) } session
                ? session
                : null;
        }

        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(ClaudeCodeChatClientOptions) ? _options
            : serviceType == typeof(ClaudeSessionPool) ? _pool
            : serviceType == typeof(IClaudeClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Closes this client's sessions in the pool and disposes the in-process tool servers. The pool and client are not disposed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var key in _conversations.Keys)
        {
            try
            {
                // Sync over async as ClaudeSessionPool.Dispose does: IChatClient is only IDisposable.
                _pool?.RemoveAsync(key).GetAwaiter().GetResult();
            }
            catch (ObjectDisposedException)
            {
                // The pool went first (container disposal order); its sessions are closed already.
            }
        }

        _conversations.Clear();
        _shapeLock.Dispose();
    }

    private ChatRequest Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var request = ChatRequest.Create(messages, options, _options);
        if (request.Ignored.Count > 0)
        {
            var settings = string.Join(", ", request.Ignored);
            if (_options.UnsupportedOptions == UnsupportedChatOptionBehavior.Throw)
            {
                throw new NotSupportedException(
                    $"Claude Code cannot honour these ChatOptions settings: {settings}. Remove them, or set " +
                    "ClaudeCodeChatClientOptions.UnsupportedOptions to Ignore.");
            }

            Log.OptionsIgnored(_logger, settings);
        }

        if (request.Functions.Count > 0 && _options.Mode == ClaudeCodeChatMode.OneShot)
        {
            throw new NotSupportedException(
                "AIFunction tools are served in-process over a session's control channel, which one-shot runs do not have. " +
                "Use ClaudeCodeChatMode.Session.");
        }

        Log.Prompt(_logger, request.ConversationId, request.Prompt);
        return request;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = StartActivity(request, streaming: true);
        var mapper = new StreamingMapper(request.ConversationId, request.Model);
        var collected = new List<ClaudeMessage>();
        var turn = RunTurnAsync(request, streaming: true, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var disposeTurn = turn.ConfigureAwait(false);
        while (true)
        {
            List<ChatResponseUpdate> updates;
            try
            {
                if (!await turn.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                collected.Add(turn.Current);
                updates = [.. mapper.Map(turn.Current)];
            }
            catch (Exception ex)
            {
                Fail(activity, ex);
                throw;
            }

            foreach (var update in updates)
            {
                yield return update;
            }
        }

        Complete(activity, collected.OfType<ResultMessage>().LastOrDefault()?.SessionId, collected);
    }

    private IAsyncEnumerable<ClaudeMessage> RunTurnAsync(ChatRequest request, bool streaming, CancellationToken cancellationToken) =>
        _options.Mode == ClaudeCodeChatMode.Session
            ? RunSessionTurnAsync(request, cancellationToken)
            : _client!.StreamAsync(
                request.Prompt,
                request.ToRunOptions(_options.RunOptions, _options.ToolServerName) with
                {
                    Resume = request.ConversationId ?? _options.RunOptions.Resume,
                    IncludePartialMessages = streaming || _options.RunOptions.IncludePartialMessages,
                },
                cancellationToken);

    private async IAsyncEnumerable<ClaudeMessage> RunSessionTurnAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A new conversation gets its id up front (--session-id), so the pool key and ConversationId are one and the same.
        var conversationId = request.ConversationId ?? Guid.NewGuid().ToString();
        var key = _options.PoolKeyPrefix + conversationId;
        var conversation = await GetConversationAsync(key, conversationId, request, cancellationToken).ConfigureAwait(false);

        var runOptions = request.ToRunOptions(_options.RunOptions, _options.ToolServerName) with
        {
            // Partial messages always: the session is shared by streaming and non-streaming requests.
            IncludePartialMessages = true,
            SessionId = request.ConversationId is null ? conversationId : null,
            Resume = request.ConversationId,
            ForkSession = false,
            ContinueConversation = false,
        };

        // The conversation's first options stay its options: the pool resumes an evicted session with them, and a later
        // turn passing an equal set is how the pool knows it may hand the warm session over.
        var sessionOptions = conversation.SessionOptions ??= new ClaudeSessionOptions
        {
            RunOptions = runOptions,
            SdkMcpServerFactories = conversation.ServerFactory is null ? [] : [conversation.ServerFactory],
            CanUseTool = _options.CanUseTool,
        };

        var lease = await _pool!.GetOrCreateAsync(key, sessionOptions, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            conversation.Session = lease.Session;
            await foreach (var message in lease.Session.SendAsync(request.Prompt, cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
    }

    private async Task<Conversation> GetConversationAsync(string key, string conversationId, ChatRequest request, CancellationToken cancellationToken)
    {
        await _shapeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_conversations.TryGetValue(key, out var conversation) && conversation.Shape != request.Shape)
            {
                // The warm session was started with other settings (they travel in initialize and on argv): reopen the
                // conversation with the new ones. The pool's entry is removed; the new options carry --resume.
                Log.SessionReshaped(_logger, conversationId);
                await _pool!.RemoveAsync(key).ConfigureAwait(false);
                _conversations.TryRemove(key, out _);
                conversation = null;
            }

            if (conversation is null)
            {
                var router = new ToolRouter();
                // A factory, not a server: every CLI process of the conversation (a resume after eviction included) gets
                // its own server, and the session disposes it.
                var serverFactory = request.Functions.Count == 0
                    ? null
                    : ClaudeSdkMcpServer.Factory(_options.ToolServerName, request.Functions.Select(f => McpServerTool.Create(router.Route(f))));
                conversation = new Conversation(request.Shape, router, serverFactory);
                _conversations[key] = conversation;
            }

            conversation.Router.Update(request.Functions);
            return conversation;
        }
        finally
        {
            _shapeLock.Release();
        }
    }

    private static Activity? StartActivity(ChatRequest request, bool streaming)
    {
        var activity = ClaudeCodeChatTelemetry.Source.StartActivity("claude.chat", ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.provider.name", ProviderName);
            activity.SetTag("gen_ai.request.model", request.Model);
            activity.SetTag("gen_ai.conversation.id", request.ConversationId);
            activity.SetTag("claude.chat.streaming", streaming);
            activity.SetTag("claude.chat.tools", request.Functions.Count);
        }

        return activity;
    }

    private void Complete(Activity? activity, string? conversationId, List<ClaudeMessage> messages)
    {
        if (messages.OfType<ResultMessage>().LastOrDefault() is not { } result)
        {
            return;
        }

        Log.TurnEnded(_logger, conversationId, result.Subtype, result.Usage?.InputTokens ?? 0, result.Usage?.OutputTokens ?? 0);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("gen_ai.conversation.id", conversationId);
        activity.SetTag("claude.result.subtype", result.Subtype);
        activity.SetTag("claude.terminal_reason", result.TerminalReason);
        if (ClaudeChatMapper.ToUsage(result.Usage) is { } usage)
        {
            activity.SetTag("gen_ai.usage.input_tokens", usage.InputTokenCount);
            activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokenCount);
        }
    }

    private static void Fail(Activity? activity, Exception exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.SetTag("error.type", exception.GetType().FullName);
    }

    /// <summary>What this client holds for one conversation: the settings its session was started with, and its tool servers.</summary>
    private sealed class Conversation(SessionShape shape, ToolRouter router, Func<IClaudeSdkMcpServer>? serverFactory)
    {
        public SessionShape Shape { get; } = shape;

        public ToolRouter Router { get; } = router;

        public Func<IClaudeSdkMcpServer>? ServerFactory { get; } = serverFactory;

        public ClaudeSessionOptions? SessionOptions { get; set; }

        public ClaudeSession? Session { get; set; }
    }
}
