using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ClaudeOrchestration.AI;

/// <summary>Claude Code as a Microsoft Agent Framework <see cref="AIAgent"/>.</summary>
public static class ClaudeCodeAgentExtensions
{
    /// <summary>
    /// Wraps a chat client whose innermost client is a <see cref="ClaudeCodeChatClient"/> (possibly behind middleware) in a
    /// <see cref="ChatClientAgent"/>. The agent keeps the Claude session id as its session's conversation id, so each run
    /// continues the same Claude Code conversation and sends only the new messages.
    /// </summary>
    /// <param name="chatClient">The chat client, e.g. from <c>AddClaudeCodeChatClient()</c> or a <see cref="ClaudeCodeChatClient"/>.</param>
    /// <param name="name">The agent's name.</param>
    /// <param name="instructions">Its instructions, appended to Claude Code's system prompt (see <see cref="ClaudeCodeChatClientOptions.InstructionsReplaceSystemPrompt"/>).</param>
    /// <param name="description">What the agent does, for other agents and workflows.</param>
    /// <param name="tools">Host functions Claude Code may call (served in-process), or <see langword="null"/>.</param>
    /// <param name="loggerFactory">Logs; <see langword="null"/> for none.</param>
    /// <returns>The agent.</returns>
    /// <remarks>
    /// The chat client is used as given: no function-invocation middleware is added, because Claude Code calls the tools itself
    /// and its tool calls reach the agent as informational <see cref="FunctionCallContent"/>.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="chatClient"/> has no <see cref="ClaudeCodeChatClient"/> inside.</exception>
    public static ChatClientAgent AsClaudeCodeAgent(
        this IChatClient chatClient,
        string? name = null,
        string? instructions = null,
        string? description = null,
        IList<AITool>? tools = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        if (chatClient.GetService<ClaudeCodeChatClient>() is null)
        {
            throw new ArgumentException("The chat client has no ClaudeCodeChatClient inside; use AsAIAgent for other chat clients.", nameof(chatClient));
        }

        return new ChatClientAgent(
            chatClient,
            new ChatClientAgentOptions
            {
                Name = name,
                Description = description,
                UseProvidedChatClientAsIs = true,
                ChatOptions = new ChatOptions { Instructions = instructions, Tools = tools },
            },
            loggerFactory);
    }
}
