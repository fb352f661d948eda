using System.Text.Json;
using ClaudeOrchestration.Messages;
using Microsoft.Extensions.AI;

namespace ClaudeOrchestration.AI;

/// <summary>Turns one turn's messages into streaming updates: text and reasoning deltas from partial messages, then tool calls and results, then the result.</summary>
internal sealed class StreamingMapper(string? conversationId, string? model)
{
    private readonly HashSet<string> _streamedMessages = new(StringComparer.Ordinal);
    private readonly List<ClaudeMessage> _messages = [];
    private readonly string _responseId = Guid.NewGuid().ToString("N");
    private string? _conversationId = conversationId;
    private string? _model = model;
    private string? _messageId;

    public IEnumerable<ChatResponseUpdate> Map(ClaudeMessage message)
    {
        _messages.Add(message);
        _conversationId = message.SessionId ?? _conversationId;
        switch (message)
        {
            case SystemInitMessage init:
                _model = init.Model ?? _model;
                break;
            case StreamEventMessage { ParentToolUseId: null } streamEvent:
                if (MapEvent(streamEvent) is { } update)
                {
                    yield return update;
                }

                break;
            case AssistantMessage { ParentToolUseId: null } assistant:
                var streamed = assistant.MessageId is { } id && _streamedMessages.Contains(id);
                var contents = new List<AIContent>();
                foreach (var block in assistant.Content)
                {
                    // Text and thinking already went out as deltas; complete blocks only for what was not streamed.
                    if (streamed && block is TextBlock or ThinkingBlock)
                    {
                        continue;
                    }

                    if (ClaudeChatMapper.ToContent(block) is { } content)
                    {
                        contents.Add(content);
                    }
                }

                if (contents.Count > 0)
                {
                    yield return Update(ChatRole.Assistant, contents, assistant.MessageId, assistant);
                }

                break;
            case UserMessage { ParentToolUseId: null } user when user.Content.Any(b => b is ToolResultBlock):
                yield return Update(ChatRole.Tool, [.. user.Content.OfType<ToolResultBlock>().Select(ClaudeChatMapper.ToResult)], user.Uuid, user);
                break;
            case ResultMessage result:
                ClaudeChatMapper.ThrowIfError(result, _messages);
                var final = Update(ChatRole.Assistant, [], _messageId, result);
                final.FinishReason = ClaudeChatMapper.ToFinishReason(result);
                final.AdditionalProperties = ClaudeChatMapper.ToProperties(result);
                if (ClaudeChatMapper.ToUsage(result.Usage) is { } usage)
                {
                    final.Contents.Add(new UsageContent(usage));
                }

                yield return final;
                break;
        }
    }

    private ChatResponseUpdate? MapEvent(StreamEventMessage message)
    {
        var data = message.Event;
        switch (message.EventType)
        {
            case "message_start":
                if (data.TryGetProperty("message"u8, out var started) && started.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String)
                {
                    _messageId = id.GetString();
                }

                return null;
            case "content_block_delta" when data.TryGetProperty("delta"u8, out var delta) && delta.TryGetProperty("type"u8, out var type):
                AIContent? content = type.GetString() switch
                {
                    "text_delta" when delta.TryGetProperty("text"u8, out var text) => new TextContent(text.GetString()),
                    "thinking_delta" when delta.TryGetProperty("thinking"u8, out var thinking) => new TextReasoningContent(thinking.GetString()),
                    _ => null,
                };

                if (content is null)
                {
                    return null;
                }

                if (_messageId is not null)
                {
                    _streamedMessages.Add(_messageId);
                }

                return Update(ChatRole.Assistant, [content], _messageId, message);
            default:
                return null;
        }
    }

    private ChatResponseUpdate Update(ChatRole role, IList<AIContent> contents, string? messageId, object raw) => new(role, contents)
    {
        ConversationId = _conversationId,
        ResponseId = _responseId,
        MessageId = messageId,
        ModelId = _model,
        RawRepresentation = raw,
        CreatedAt = null,
    };
}
