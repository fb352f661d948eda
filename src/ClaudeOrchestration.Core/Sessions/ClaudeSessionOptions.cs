using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Sessions;

/// <summary>Settings for one long-lived <see cref="ClaudeSession"/>.</summary>
/// <remarks>
/// <para>
/// The CLI flags come from <see cref="RunOptions"/>, exactly as for a one-shot run, with these differences:
/// </para>
/// <list type="bullet">
/// <item><see cref="ClaudeRunOptions.SystemPrompt"/>, <see cref="ClaudeRunOptions.AppendSystemPrompt"/> and
/// <see cref="ClaudeRunOptions.JsonSchema"/> travel in the <c>initialize</c> control request rather than on the command line
/// (no argv length limit applies to them).</item>
/// <item><see cref="ClaudeRunOptions.SessionId"/>, <see cref="ClaudeRunOptions.Resume"/>,
/// <see cref="ClaudeRunOptions.ForkSession"/> and <see cref="ClaudeRunOptions.ContinueConversation"/> choose the
/// conversation the process starts on; <see cref="ClaudeSession.ResumeAsync"/> and <see cref="ClaudeSession.ForkAsync"/> set
/// them for you.</item>
/// <item><see cref="ClaudeRunOptions.Timeout"/>, <see cref="ClaudeRunOptions.TaskId"/> and
/// <see cref="ClaudeRunOptions.Priority"/> belong to <c>ClaudeClient</c>'s one-shot runs and cannot apply to a session:
/// setting one makes <see cref="ClaudeSessionFactory.StartAsync"/> throw <see cref="ArgumentException"/>. Bound a turn with
/// the token given to <see cref="ClaudeSession.SendAsync(string, CancellationToken)"/> instead.</item>
/// </list>
/// </remarks>
public sealed class ClaudeSessionOptions
{
    /// <summary>
    /// The CLI flags (model, tools, permission mode, working directory, resume, environment, …). Default: none.
    /// <see cref="ClaudeRunOptions.Timeout"/>, <see cref="ClaudeRunOptions.TaskId"/> and <see cref="ClaudeRunOptions.Priority"/>
    /// must stay unset (see the remarks on <see cref="ClaudeSessionOptions"/>).
    /// </summary>
    public ClaudeRunOptions RunOptions { get; init; } = new();

    /// <summary>
    /// Decides tool calls the CLI would otherwise ask about (<c>can_use_tool</c>). When set, the CLI starts with
    /// <c>--permission-prompt-tool=stdio</c>; when <see langword="null"/>, such calls are denied by the CLI itself.
    /// </summary>
    public ClaudePermissionHandler? CanUseTool { get; init; }

    /// <summary>Hook callbacks, registered in the <c>initialize</c> request and called through <c>hook_callback</c>.</summary>
    public IReadOnlyList<ClaudeHookMatcher> Hooks { get; init; } = [];

    /// <summary>
    /// In-process MCP server instances reached through <c>mcp_message</c> control requests; their names are declared in the
    /// <c>initialize</c> request. Names must be unique. Their tools still need permission: list them in
    /// <see cref="ClaudeRunOptions.AllowedTools"/> (<c>mcp__&lt;name&gt;__&lt;tool&gt;</c>) or answer in <see cref="CanUseTool"/>.
    /// </summary>
    /// <remarks>
    /// An instance holds one MCP session, so it may serve only one CLI process at a time: <see cref="ClaudeSession.ForkAsync"/>
    /// and <see cref="ClaudeSession.ResumeAsync"/> on a live session with instances here throw. Prefer
    /// <see cref="SdkMcpServerFactories"/>, which gives every process (resumes and forks included) its own servers. You own
    /// these instances: dispose them after the session.
    /// </remarks>
    public IReadOnlyList<IClaudeSdkMcpServer> SdkMcpServers { get; init; } = [];

    /// <summary>
    /// Creates in-process MCP servers for each CLI process: called once per process when a session starts, resumes or forks,
    /// so two processes never share a server (and its JSON-RPC ids). The session owns what they return and disposes it
    /// (<see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>) when it closes. Names must be unique, also across
    /// <see cref="SdkMcpServers"/>. <c>ClaudeSdkMcpServer.Factory(...)</c> in <c>ClaudeOrchestration.Mcp</c> makes one.
    /// </summary>
    public IReadOnlyList<Func<IClaudeSdkMcpServer>> SdkMcpServerFactories { get; init; } = [];

    /// <summary>
    /// Custom subagents, sent in the <c>initialize</c> request: name → definition object
    /// (<c>{"description":…,"prompt":…,"tools"?:[…],"model"?:…}</c>). Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, JsonObject>? Agents { get; init; }

    /// <summary>How long a host → CLI control request (set model, MCP status, …) may take before it fails. Default 60 seconds.</summary>
    public TimeSpan ControlRequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the CLI may take to start and answer <c>initialize</c>. Default 60 seconds.</summary>
    public TimeSpan InitializeTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// After a turn is cancelled, how long the CLI gets to acknowledge the interrupt and end the turn before the process is
    /// killed and the session becomes <see cref="ClaudeSessionState.Faulted"/>. Default 10 seconds.
    /// </summary>
    public TimeSpan InterruptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a <see cref="CanUseTool"/> or <see cref="IClaudeSdkMcpServer"/> callback may run before its token is
    /// cancelled and the CLI gets an error reply. <see langword="null"/> (default) means no limit: a permission prompt may
    /// wait for a human. Hooks use <see cref="ClaudeHookMatcher.Timeout"/> instead.
    /// </summary>
    public TimeSpan? CallbackTimeout { get; init; }

    /// <summary>
    /// Whether the message of an exception thrown by a <see cref="CanUseTool"/> or hook callback is sent to the CLI (and so
    /// reaches the model and the transcript). Default <see langword="false"/>: the CLI gets a generic message with an error
    /// id, and the full exception is logged (warning) with the same id. The same rule, with an option of the same name, holds
    /// for in-process MCP tools (<c>ClaudeSdkMcpServerOptions.IncludeExceptionMessages</c>).
    /// </summary>
    /// <remarks>Security: exception messages can carry paths, connection strings or data the model should not see.</remarks>
    public bool IncludeExceptionMessages { get; init; }

    /// <summary>Receives each message the CLI writes outside a turn (e.g. the notice after a model switch). Called on the reader; keep it short.</summary>
    public Action<Messages.ClaudeMessage>? OutOfTurnMessageCallback { get; init; }

    /// <summary>
    /// A copy that reopens conversation <paramref name="sessionId"/> (<c>--resume</c>, with <c>--fork-session</c> when
    /// <paramref name="fork"/>), keeping every callback, server and timeout.
    /// </summary>
    internal ClaudeSessionOptions ForResume(string sessionId, bool fork) => new()
    {
        RunOptions = RunOptions with { Resume = sessionId, ForkSession = fork, SessionId = null, ContinueConversation = false },
        CanUseTool = CanUseTool,
        Hooks = Hooks,
        SdkMcpServers = SdkMcpServers,
        SdkMcpServerFactories = SdkMcpServerFactories,
        Agents = Agents,
        ControlRequestTimeout = ControlRequestTimeout,
        InitializeTimeout = InitializeTimeout,
        InterruptTimeout = InterruptTimeout,
        CallbackTimeout = CallbackTimeout,
        IncludeExceptionMessages = IncludeExceptionMessages,
        OutOfTurnMessageCallback = OutOfTurnMessageCallback,
    };
    /// <summary>
    /// Whether a session started with these options behaves like one started with <paramref name="other"/>: the same
    /// callbacks, hooks and servers (by reference), equal timeouts and equal CLI flags (collections compared by content).
    /// The pool uses it so that a caller never silently gets a session with another caller's <see cref="CanUseTool"/>.
    /// </summary>
    internal bool IsEquivalentTo(ClaudeSessionOptions other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return Equals(CanUseTool, other.CanUseTool)
            && Equals(OutOfTurnMessageCallback, other.OutOfTurnMessageCallback)
            && SameItems(Hooks, other.Hooks)
            && SameItems(SdkMcpServers, other.SdkMcpServers)
            && SameItems(SdkMcpServerFactories, other.SdkMcpServerFactories)
            && SameAgents(Agents, other.Agents)
            && ControlRequestTimeout == other.ControlRequestTimeout
            && InitializeTimeout == other.InitializeTimeout
            && InterruptTimeout == other.InterruptTimeout
            && CallbackTimeout == other.CallbackTimeout
            && IncludeExceptionMessages == other.IncludeExceptionMessages
            && SameRunOptions(RunOptions, other.RunOptions);
    }

    private static bool SameItems<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b)
        where T : class =>
        (a ?? []).Count == (b ?? []).Count && (a ?? []).Zip(b ?? []).All(pair => ReferenceEquals(pair.First, pair.Second) || Equals(pair.First, pair.Second));

    private static bool SameAgents(IReadOnlyDictionary<string, JsonObject>? a, IReadOnlyDictionary<string, JsonObject>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0)
        && (a ?? new Dictionary<string, JsonObject>()).All(pair => b!.TryGetValue(pair.Key, out var other) && JsonNode.DeepEquals(pair.Value, other));

    private static bool SameRunOptions(ClaudeRunOptions a, ClaudeRunOptions b)
    {
        // Record equality compares collections by reference; compare them by content and the rest with the record's Equals.
        static ClaudeRunOptions Scalars(ClaudeRunOptions o) => o with
        {
            Tools = null,
            AllowedTools = null,
            DisallowedTools = null,
            AdditionalDirectories = null,
            SettingSources = null,
            McpConfig = null,
            JsonSchema = null,
            EnvironmentVariables = null,
            ExtraArgs = null,
        };

        static bool SameList(IReadOnlyList<string>? x, IReadOnlyList<string>? y) => (x ?? []).SequenceEqual(y ?? [], StringComparer.Ordinal);

        static bool SameMap(IReadOnlyDictionary<string, string?>? x, IReadOnlyDictionary<string, string?>? y) =>
            (x?.Count ?? 0) == (y?.Count ?? 0)
            && (x ?? new Dictionary<string, string?>()).All(pair => y!.TryGetValue(pair.Key, out var value) && string.Equals(pair.Value, value, StringComparison.Ordinal));

        return Scalars(a) == Scalars(b)
            && SameList(a.Tools, b.Tools)
            && SameList(a.AllowedTools, b.AllowedTools)
            && SameList(a.DisallowedTools, b.DisallowedTools)
            && SameList(a.AdditionalDirectories, b.AdditionalDirectories)
            && SameList(a.SettingSources, b.SettingSources)
            && JsonNode.DeepEquals(a.McpConfig, b.McpConfig)
            && JsonNode.DeepEquals(a.JsonSchema, b.JsonSchema)
            && SameMap(a.EnvironmentVariables, b.EnvironmentVariables)
            && SameMap(a.ExtraArgs, b.ExtraArgs);
    }
}
