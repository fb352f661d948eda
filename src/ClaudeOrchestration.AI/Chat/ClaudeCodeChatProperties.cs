namespace ClaudeOrchestration.AI;

/// <summary>Keys of the Claude Code figures a <see cref="ClaudeCodeChatClient"/> puts in <c>ChatResponse.AdditionalProperties</c> (and the last streaming update's).</summary>
public static class ClaudeCodeChatProperties
{
    /// <summary>The session's cost so far in US dollars as the CLI reported it (<see cref="decimal"/>).</summary>
    public const string TotalCostUsd = "claude.total_cost_usd";

    /// <summary>Model round trips in the turn (<see cref="int"/>).</summary>
    public const string NumTurns = "claude.num_turns";

    /// <summary>The CLI's wall time for the turn (<see cref="TimeSpan"/>).</summary>
    public const string Duration = "claude.duration";

    /// <summary>The result subtype, e.g. <c>success</c> (<see cref="string"/>).</summary>
    public const string ResultSubtype = "claude.result.subtype";

    /// <summary>Why the turn ended, e.g. <c>completed</c> (<see cref="string"/>).</summary>
    public const string TerminalReason = "claude.terminal_reason";

    /// <summary>The model's last stop reason, e.g. <c>end_turn</c> (<see cref="string"/>).</summary>
    public const string StopReason = "claude.stop_reason";

    /// <summary>The structured output of a request with a JSON schema (<see cref="System.Text.Json.JsonElement"/>).</summary>
    public const string StructuredOutput = "claude.structured_output";

    /// <summary>Tokens written to the prompt cache, in <c>UsageDetails.AdditionalCounts</c>.</summary>
    public const string CacheCreationInputTokens = "claude.cache_creation_input_tokens";
}
