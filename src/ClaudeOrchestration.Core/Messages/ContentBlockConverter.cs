using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// Reads a content block by its <c>type</c>, wherever that property sits in the object (the CLI writes
/// <c>tool_result</c> blocks with <c>tool_use_id</c> first), and falls back to <see cref="UnknownContentBlock"/> for
/// unknown kinds and for known kinds whose shape does not fit, so one odd block never loses the whole message.
/// </summary>
internal sealed class ContentBlockConverter : JsonConverter<ContentBlock>
{
    private enum Kind
    {
        Unknown,
        Text,
        Thinking,
        RedactedThinking,
        ToolUse,
        ToolResult,
        ServerToolUse,
    }

    public override ContentBlock Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A content block must be a JSON object, not {reader.TokenType}.");
        }

        var context = ClaudeMessageJsonContext.Default;
        var start = reader;
        try
        {
            ContentBlock? block = PeekKind(reader) switch
            {
                Kind.Text => context.TextBlock.ReadNested(ref reader),
                Kind.ToolUse => context.ToolUseBlock.ReadNested(ref reader),
                Kind.ToolResult => context.ToolResultBlock.ReadNested(ref reader),
                Kind.Thinking => context.ThinkingBlock.ReadNested(ref reader),
                Kind.RedactedThinking => context.RedactedThinkingBlock.ReadNested(ref reader),
                Kind.ServerToolUse => context.ServerToolUseBlock.ReadNested(ref reader),
                _ => null,
            };
            if (block is not null)
            {
                return block;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // A known kind with an unexpected shape (read directly through the converter, a wrong token type surfaces
            // as the reader's InvalidOperationException). The reader is a struct over fully buffered input, so rewinding
            // it is exact; if the JSON itself is malformed, ParseValue below throws again and the line is rejected.
            reader = start;
        }

        return new UnknownContentBlock(JsonElement.ParseValue(ref reader));
    }

    public override void Write(Utf8JsonWriter writer, ContentBlock value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var context = ClaudeMessageJsonContext.Default;
        switch (value)
        {
            case TextBlock text:
                JsonSerializer.Serialize(writer, text, context.TextBlock);
                break;
            case ToolUseBlock toolUse:
                JsonSerializer.Serialize(writer, toolUse, context.ToolUseBlock);
                break;
            case ToolResultBlock toolResult:
                JsonSerializer.Serialize(writer, toolResult, context.ToolResultBlock);
                break;
            case ThinkingBlock thinking:
                JsonSerializer.Serialize(writer, thinking, context.ThinkingBlock);
                break;
            case RedactedThinkingBlock redacted:
                JsonSerializer.Serialize(writer, redacted, context.RedactedThinkingBlock);
                break;
            case ServerToolUseBlock serverToolUse:
                JsonSerializer.Serialize(writer, serverToolUse, context.ServerToolUseBlock);
                break;
            case UnknownContentBlock unknown:
                unknown.Raw.WriteTo(writer);
                break;
            default:
                throw new NotSupportedException($"Content block type {value.GetType()} cannot be serialised.");
        }
    }

    // Takes the reader by value: scanning a copy leaves the caller's position untouched.
    private static Kind PeekKind(Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return Kind.Unknown;
                }

                return reader.ValueTextEquals("text"u8) ? Kind.Text
                    : reader.ValueTextEquals("tool_use"u8) ? Kind.ToolUse
                    : reader.ValueTextEquals("tool_result"u8) ? Kind.ToolResult
                    : reader.ValueTextEquals("thinking"u8) ? Kind.Thinking
                    : reader.ValueTextEquals("redacted_thinking"u8) ? Kind.RedactedThinking
                    : reader.ValueTextEquals("server_tool_use"u8) ? Kind.ServerToolUse
                    : Kind.Unknown;
            }

            if (!reader.Read() || !reader.TrySkip())
            {
                return Kind.Unknown;
            }
        }

        return Kind.Unknown;
    }
}
