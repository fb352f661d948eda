using System.Text.Json;
using ClaudeOrchestration.Client;
using ClaudeOrchestration.Messages;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.AI;

/// <summary>Maps the CLI's stream-json messages to M.E.AI contents, responses and updates.</summary>
internal static class ClaudeChatMapper
{
    /// <summary>Builds the response of a finished turn; throws <see cref="ClaudeResultException"/> for an error result.</summary>
    public static ChatResponse ToResponse(IReadOnlyList<ClaudeMessage> messages, string? requestedModel)
    {
        var result = messages.OfType<ResultMessage>().LastOrDefault()
            ?? throw new ClaudeProcessException("The turn ended without a result message.");
        ThrowIfError(result, messages);

        var chatMessages = new List<ChatMessage>();
        string? model = requestedModel;
        ChatMessage? current = null;
        string? currentId = null;
        foreach (var message in messages)
        {
            switch (message)
            {
                case SystemInitMessage init:
                    model = init.Model ?? model;
                    break;
                case AssistantMessage { ParentToolUseId: null } assistant:
                    if (current is null || currentId is null || currentId != assistant.MessageId)
                    {
                        current = new ChatMessage(ChatRole.Assistant, []) { MessageId = assistant.MessageId, RawRepresentation = assistant };
                        currentId = assistant.MessageId;
                        chatMessages.Add(current);
                    }

                    model = assistant.Model is { } m && m != "<synthetic>" ? m : model;
                    foreach (var block in assistant.Content)
                    {
                        if (ToContent(block) is { } content)
                        {
                            current.Contents.Add(content);
                        }
                    }

                    break;
                case UserMessage { ParentToolUseId: null } user when user.Content.Any(b => b is ToolResultBlock):
                    chatMessages.Add(new ChatMessage(ChatRole.Tool, [.. user.Content.OfType<ToolResultBlock>().Select(ToResult)]) { RawRepresentation = user });
                    current = null;
                    currentId = null;
                    break;
            }
        }

        if (result.StructuredOutput is { } structured)
        {
            // The answer is the structured output: drop the text the model wrote around it so ChatResponse.Text (and so
            // GetResponseAsync<T>) reads exactly the JSON. The full turn stays in RawRepresentation.
            foreach (var chatMessage in chatMessages)
            {
                var texts = chatMessage.Contents.OfType<TextContent>().ToList();
                foreach (var text in texts)
                {
                    chatMessage.Contents.Remove(text);
                }
            }

            chatMessages.Add(new ChatMessage(ChatRole.Assistant, structured.GetRawText()));
        }

        chatMessages.RemoveAll(m => m.Contents.Count == 0);
        return new ChatResponse(chatMessages)
        {
            ConversationId = result.SessionId,
            ResponseId = result.Uuid,
            ModelId = model,
            FinishReason = ToFinishReason(result),
            Usage = ToUsage(result.Usage),
            AdditionalProperties = ToProperties(result),
            RawRepresentation = ToRunResult(result, messages),
        };
    }

    public static AIContent? ToContent(ContentBlock block) => block switch
    {
        TextBlock text => new TextContent(text.Text) { RawRepresentation = text },
        ThinkingBlock thinking => new TextReasoningContent(thinking.Thinking) { RawRepresentation = thinking },
        ToolUseBlock toolUse => ToCall(toolUse),
        _ => null,
    };

    /// <summary>
    /// The CLI's own tool call, for information: it has already run (or will run) inside Claude Code, so M.E.AI's
    /// function-invocation middleware must not invoke it again.
    /// </summary>
    public static FunctionCallContent ToCall(ToolUseBlock block)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (block.Input.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in block.Input.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }

        return new FunctionCallContent(block.Id, block.Name, arguments) { InformationalOnly = true, RawRepresentation = block };
    }

    public static FunctionResultContent ToResult(ToolResultBlock block) =>
        new(block.ToolUseId, block.IsError ? $"Error: {block.Text}" : block.Text) { RawRepresentation = block };

    public static UsageDetails? ToUsage(Usage? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var input = usage.InputTokens + usage.CacheCreationInputTokens + usage.CacheReadInputTokens;
        return new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = usage.OutputTokens,
            TotalTokenCount = input + usage.OutputTokens,
            CachedInputTokenCount = usage.CacheReadInputTokens,
            AdditionalCounts = new() { [ClaudeCodeChatProperties.CacheCreationInputTokens] = usage.CacheCreationInputTokens },
        };
    }

    public static ChatFinishReason? ToFinishReason(ResultMessage result) => result.StopReason switch
    {
        "max_tokens" => ChatFinishReason.Length,
        "refusal" => ChatFinishReason.ContentFilter,
        _ => result.TerminalReason switch
        {
            null or "completed" => ChatFinishReason.Stop,
            var other => new ChatFinishReason(other),
        },
    };

    public static AdditionalPropertiesDictionary ToProperties(ResultMessage result)
    {
        var properties = new AdditionalPropertiesDictionary
        {
            [ClaudeCodeChatProperties.TotalCostUsd] = (decimal)result.TotalCostUsd,
            [ClaudeCodeChatProperties.NumTurns] = result.NumTurns,
            [ClaudeCodeChatProperties.Duration] = TimeSpan.FromMilliseconds(result.DurationMs),
            [ClaudeCodeChatProperties.ResultSubtype] = result.Subtype,
        };

        if (result.TerminalReason is { } terminal)
        {
            properties[ClaudeCodeChatProperties.TerminalReason] = terminal;
        }

        if (result.StopReason is { } stop)
        {
            properties[ClaudeCodeChatProperties.StopReason] = stop;
        }

        if (result.StructuredOutput is { } structured)
        {
            properties[ClaudeCodeChatProperties.StructuredOutput] = structured;
        }

        return properties;
    }

    /// <summary>An error result (max turns, budget, API error) becomes <see cref="ClaudeResultException"/>, never an empty answer.</summary>
    public static void ThrowIfError(ResultMessage result, IReadOnlyList<ClaudeMessage> messages)
    {
        if (result.IsError)
        {
            throw new ClaudeResultException(ToRunResult(result, messages));
        }
    }

    public static ClaudeRunResult ToRunResult(ResultMessage result, IReadOnlyList<ClaudeMessage> messages)
    {
        var usage = result.Usage;
        return new ClaudeRunResult
        {
            Subtype = result.Subtype,
            IsError = result.IsError,
            Text = result.Result,
            StructuredOutput = result.StructuredOutput,
            SessionId = result.SessionId ?? string.Empty,
            TotalCostUsd = (decimal)result.TotalCostUsd,
            InputTokens = usage is null ? 0 : usage.InputTokens + usage.CacheCreationInputTokens + usage.CacheReadInputTokens,
            OutputTokens = usage?.OutputTokens ?? 0,
            NumTurns = result.NumTurns,
            Duration = TimeSpan.FromMilliseconds(result.DurationMs),
            ApiDuration = TimeSpan.FromMilliseconds(result.DurationApiMs),
            TerminalReason = result.TerminalReason,
            StopReason = result.StopReason,
            ApiErrorStatus = result.ApiErrorStatus,
            Errors = result.Errors,
            PermissionDenials = result.PermissionDenials,
            Result = result,
            Messages = messages,
        };
    }
}
