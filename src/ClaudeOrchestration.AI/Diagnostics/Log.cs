using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.AI;

/// <summary>Source-generated log messages (event ids 600–619). Prompts and replies are never logged above Trace.</summary>
internal static partial class Log
{
    [LoggerMessage(600, LogLevel.Debug, "Claude Code chat: ignored ChatOptions settings Claude Code cannot honour: {Settings}.")]
    public static partial void OptionsIgnored(ILogger logger, string settings);

    [LoggerMessage(601, LogLevel.Debug, "Claude Code chat: conversation {ConversationId} asked for a different model, system prompt, schema or tool set; its session is reopened with --resume.")]
    public static partial void SessionReshaped(ILogger logger, string conversationId);

    [LoggerMessage(602, LogLevel.Trace, "Claude Code chat prompt for conversation {ConversationId}: {Prompt}")]
    public static partial void Prompt(ILogger logger, string? conversationId, string prompt);

    [LoggerMessage(603, LogLevel.Debug, "Claude Code chat turn ended for conversation {ConversationId}: {Subtype}, {InputTokens} input and {OutputTokens} output tokens.")]
    public static partial void TurnEnded(ILogger logger, string? conversationId, string subtype, long inputTokens, long outputTokens);
}
