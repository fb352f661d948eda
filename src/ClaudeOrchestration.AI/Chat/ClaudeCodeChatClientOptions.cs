using ClaudeOrchestration.Sessions;

namespace ClaudeOrchestration.AI;

/// <summary>How a <see cref="ClaudeCodeChatClient"/> runs each request.</summary>
public enum ClaudeCodeChatMode
{
    /// <summary>
    /// A warm <see cref="ClaudeSession"/> per conversation, leased from the <see cref="ClaudeSessionPool"/> (about 30 ms of overhead
    /// per turn). Needed for <see cref="Microsoft.Extensions.AI.AIFunction"/> tools, which are served in-process over the session's
    /// control channel.
    /// </summary>
    Session,

    /// <summary>One CLI process per request through <see cref="Client.IClaudeClient"/> (about 0.5–2 s of start-up per request); conversations resume with <c>--resume</c>.</summary>
    OneShot,
}

/// <summary>What a <see cref="ClaudeCodeChatClient"/> does with a <see cref="Microsoft.Extensions.AI.ChatOptions"/> setting Claude Code cannot honour (temperature, top-p, seed, …).</summary>
public enum UnsupportedChatOptionBehavior
{
    /// <summary>Ignore it (logged at Debug). The default, so generic middleware that sets such values keeps working.</summary>
    Ignore,

    /// <summary>Throw <see cref="NotSupportedException"/> naming the setting.</summary>
    Throw,
}

/// <summary>What a <see cref="ClaudeCodeChatClient"/> does with earlier turns in the messages of a request that has no <see cref="Microsoft.Extensions.AI.ChatOptions.ConversationId"/>.</summary>
public enum ChatHistoryBehavior
{
    /// <summary>
    /// Start a new Claude Code conversation whose first prompt carries the earlier turns as a labelled transcript
    /// (<c>&lt;conversation_history&gt;</c>) ahead of the latest user message. The default.
    /// </summary>
    Transcript,

    /// <summary>Throw <see cref="ArgumentException"/>: the caller must continue conversations by <see cref="Microsoft.Extensions.AI.ChatOptions.ConversationId"/>.</summary>
    Throw,
}

/// <summary>Settings of a <see cref="ClaudeCodeChatClient"/>.</summary>
public sealed class ClaudeCodeChatClientOptions
{
    /// <summary>Session (default: warm processes from the pool) or one-shot runs.</summary>
    public ClaudeCodeChatMode Mode { get; set; } = ClaudeCodeChatMode.Session;

    /// <summary>The model when a request sets no <see cref="Microsoft.Extensions.AI.ChatOptions.ModelId"/>; <see langword="null"/> uses <see cref="RunOptions"/>' model, else the CLI's default.</summary>
    public string? DefaultModelId { get; set; }

    /// <summary>
    /// The CLI flags every request starts from (built-in tools, permission mode, working directory, budget, …). The request's
    /// model, system prompt, JSON schema, tools and conversation are applied on top. Default: the CLI's defaults.
    /// </summary>
    public ClaudeRunOptions RunOptions { get; set; } = new();

    /// <summary>
    /// Whether <see cref="Microsoft.Extensions.AI.ChatOptions.Instructions"/> and system messages replace Claude Code's own system
    /// prompt (<see langword="true"/>) or are appended to it (<see langword="false"/>, the default, which keeps Claude Code's tool
    /// and coding instructions).
    /// </summary>
    public bool InstructionsReplaceSystemPrompt { get; set; }

    /// <summary>What to do with settings Claude Code cannot honour. Default <see cref="UnsupportedChatOptionBehavior.Ignore"/>.</summary>
    public UnsupportedChatOptionBehavior UnsupportedOptions { get; set; } = UnsupportedChatOptionBehavior.Ignore;

    /// <summary>What to do with earlier turns when a request has no conversation id. Default <see cref="ChatHistoryBehavior.Transcript"/>.</summary>
    public ChatHistoryBehavior HistoryWithoutConversation { get; set; } = ChatHistoryBehavior.Transcript;

    /// <summary>
    /// The name of the in-process MCP server that serves the request's <see cref="Microsoft.Extensions.AI.AIFunction"/>s; the model sees
    /// each function as <c>mcp__&lt;name&gt;__&lt;function&gt;</c>. Letters, digits, <c>_</c> and <c>-</c>. Default <c>host</c>.
    /// </summary>
    public string ToolServerName { get; set; } = "host";

    /// <summary>Prefix of this client's keys in the shared <see cref="ClaudeSessionPool"/>, so other users of the pool never collide with it. Default <c>chat:</c>.</summary>
    public string PoolKeyPrefix { get; set; } = "chat:";

    /// <summary>Decides tool calls the CLI would otherwise ask about, in session mode (see <see cref="ClaudeSessionOptions.CanUseTool"/>). Default: none.</summary>
    public ClaudePermissionHandler? CanUseTool { get; set; }
}
