using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

// The wire nests assistant and user content under "message" and control answers under "response"; the public types
// are flat. These converters map through the internal envelope types so that reading and writing with
// ClaudeMessageJsonContext keep the wire shape. (ClaudeMessageParser reads the envelopes directly.)

/// <summary>Reads and writes <see cref="AssistantMessage"/> in its wire shape.</summary>
internal sealed class AssistantMessageConverter : JsonConverter<AssistantMessage>
{
    public override AssistantMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (ClaudeWireJsonContext.Default.AssistantEnvelope.ReadNested(ref reader)
            ?? throw new JsonException("An assistant frame must be a JSON object.")).ToMessage();

    public override void Write(Utf8JsonWriter writer, AssistantMessage value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        JsonSerializer.Serialize(writer, AssistantEnvelope.From(value), ClaudeWireJsonContext.Default.AssistantEnvelope);
    }
}

/// <summary>Reads and writes <see cref="UserMessage"/> in its wire shape.</summary>
internal sealed class UserMessageConverter : JsonConverter<UserMessage>
{
    public override UserMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (ClaudeWireJsonContext.Default.UserEnvelope.ReadNested(ref reader)
            ?? throw new JsonException("A user frame must be a JSON object.")).ToMessage();

    public override void Write(Utf8JsonWriter writer, UserMessage value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        JsonSerializer.Serialize(writer, UserEnvelope.From(value), ClaudeWireJsonContext.Default.UserEnvelope);
    }
}

/// <summary>Reads and writes <see cref="ControlResponseMessage"/> in its wire shape.</summary>
internal sealed class ControlResponseMessageConverter : JsonConverter<ControlResponseMessage>
{
    public override ControlResponseMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (ClaudeWireJsonContext.Default.ControlResponseEnvelope.ReadNested(ref reader)
            ?? throw new JsonException("A control_response frame must be a JSON object.")).ToMessage();

    public override void Write(Utf8JsonWriter writer, ControlResponseMessage value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        JsonSerializer.Serialize(writer, ControlResponseEnvelope.From(value), ClaudeWireJsonContext.Default.ControlResponseEnvelope);
    }
}
