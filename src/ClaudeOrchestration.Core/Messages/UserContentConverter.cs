using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>Reads user content that is either a plain string (one text block) or an array of blocks; writes an array.</summary>
internal sealed class UserContentConverter : JsonConverter<IReadOnlyList<ContentBlock>>
{
    public override IReadOnlyList<ContentBlock>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => [new TextBlock { Text = reader.GetString()! }],
            JsonTokenType.StartArray => ClaudeMessageJsonContext.Default.IReadOnlyListContentBlock.ReadNested(ref reader),
            _ => throw new JsonException($"User message content must be a string or an array, not {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, ClaudeMessageJsonContext.Default.IReadOnlyListContentBlock);
}
