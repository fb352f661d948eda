using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Sessions;

/// <summary>Settings for one long-lived <see cref="ClaudeSession"/>.</summary>
/// <remarks>
/// The CLI flags come from <see cref="RunOptions"/>, exactly as for a one-shot run, except that
/// <see cref="ClaudeRunOptions.SystemPrompt"/>, <see cref="ClaudeRunOptions.AppendSystemPrompt"/> and
/// <see cref="ClaudeRunOptions.JsonSchema"/> travel in the <c>initialize</c> control request rather than on the command
/// line (no argv length limit applies to them), and <see cref="ClaudeRunOptions.Timeout"/>,
/// <see cref="ClaudeRunOptions.TaskId"/> and <see cref="ClaudeRunOptions.Priority"/> do not apply to a session.
/// </remarks>
public sealed class ClaudeSessionOptions
{
    /// <summary>The CLI flags (model, tools, permission mode, working directory, resume, environment, …). Default: none.</summary>
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
        OutOfTurnMessageCallback = OutOfTurnMessageCallback,
    };
}
