using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

// The wire nests assistant and user content under "message" and control answers under "response"; the public types
// are flat. These converters map through the internal envelope types so that both reading and writing keep the wire shape.

/// <summary>Reads and writes <see cref="AssistantMessage"/> in its wire shape.</summary>
internal sealed class AssistantMessageConverter : JsonConverter<AssistantMessage>
{
    public override AssistantMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var wire = JsonSerializer.Deserialize(ref reader, ClaudeWireJsonContext.Default.AssistantEnvelope)
            ?? throw new JsonException("An assistant frame must be a JSON object.");
        var body = wire.Message ?? throw new JsonException("An assistant frame must have a message object.");
        return new AssistantMessage
        {
            SessionId = wire.SessionId,
            Uuid = wire.Uuid,
            MessageId = body.Id,
            Model = body.Model,
            Content = body.Content ?? [],
            StopReason = body.StopReason,
            Usage = body.Usage,
            ParentToolUseId = wire.ParentToolUseId,
            Error = wire.Error,
            ApiErrorStatus = wire.ApiErrorStatus,
        };
    }

    public override void Write(Utf8JsonWriter writer, AssistantMessage value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var wire = new AssistantEnvelope
        {
            Message = new AssistantBody
            {
                Id = value.MessageId,
                Model = value.Model,
                Content = value.Content,
                StopReason = value.StopReason,
                Usage = value.Usage,
            },
            ParentToolUseId = value.ParentToolUseId,
            SessionId = value.SessionId,
            Uuid = value.Uuid,
            Error = value.Error,
            ApiErrorStatus = value.ApiErrorStatus,
        };
        JsonSerializer.Serialize(writer, wire, ClaudeWireJsonContext.Default.AssistantEnvelope);
    }
}

/// <summary>Reads and writes <see cref="UserMessage"/> in its wire shape.</summary>
internal sealed class UserMessageConverter : JsonConverter<UserMessage>
{
    public override UserMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var wire = JsonSerializer.Deserialize(ref reader, ClaudeWireJsonContext.Default.UserEnvelope)
            ?? throw new JsonException("A user frame must be a JSON object.");
        var body = wire.Message ?? throw new JsonException("A user frame must have a message object.");
        return new UserMessage
        {
            SessionId = wire.SessionId,
            Uuid = wire.Uuid,
            Content = body.Content ?? [],
            ParentToolUseId = wire.ParentToolUseId,
            ToolUseResult = wire.ToolUseResult,
            IsReplay = wire.IsReplay,
            IsSynthetic = wire.IsSynthetic,
        };
    }

    public override void Write(Utf8JsonWriter writer, UserMessage value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var wire = new UserEnvelope
        {
            Message = new UserBody { Content = value.Content },
            ParentToolUseId = value.ParentToolUseId,
            SessionId = value.SessionId,
            Uuid = value.Uuid,
            ToolUseResult = value.ToolUseResult,
            IsReplay = value.IsReplay,
            IsSynthetic = value.IsSynthetic,
        };
        JsonSerializer.Serialize(writer, wire, ClaudeWireJsonContext.Default.UserEnvelope);
    }
}

/// <summary>Reads and writes <see cref="ControlResponseMessage"/> in its wire shape.</summary>
internal sealed class ControlResponseMessageConverter : JsonConverter<ControlResponseMessage>
{
    public override ControlResponseMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var wire = JsonSerializer.Deserialize(ref reader, ClaudeWireJsonContext.Default.ControlResponseEnvelope)
            ?? throw new JsonException("A control_response frame must be a JSON object.");
        var body = wire.Response ?? throw new JsonException("A control_response frame must have a response object.");
        return new ControlResponseMessage
        {
            RequestId = body.RequestId ?? throw new JsonException("A control_response must carry a request_id."),
            Subtype = body.Subtype ?? throw new JsonException("A control_response must carry a subtype."),
            Response = body.Response,
            Error = body.Error,
            ErrorCode = body.ErrorCode,
        };
    }

    public override void Write(Utf8JsonWriter writer, ControlResponseMessage value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var wire = new ControlResponseEnvelope
        {
            Response = new ControlResponseBody
            {
                Subtype = value.Subtype,
                RequestId = value.RequestId,
                Response = value.Response,
                Error = value.Error,
                ErrorCode = value.ErrorCode,
            },
        };
        JsonSerializer.Serialize(writer, wire, ClaudeWireJsonContext.Default.ControlResponseEnvelope);
    }
}
