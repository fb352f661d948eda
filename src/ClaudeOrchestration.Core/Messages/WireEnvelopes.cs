using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

#pragma warning disable CA1822 // The constant discriminators must be instance properties for System.Text.Json to write them.

// The nested wire shapes of the frames whose public types are flattened. Mutable on purpose: with plain setters the
// generated deserializer fills properties as it meets them instead of buffering constructor arguments. The constant
// discriminators are get-only, so they are written but never allocated on read.

/// <summary>Wire shape of an <c>assistant</c> frame.</summary>
internal sealed class AssistantEnvelope
{
    public string Type => "assistant";

    public AssistantBody? Message { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ParentToolUseId { get; set; }

    public string? SessionId { get; set; }

    public string? Uuid { get; set; }

    public string? Error { get; set; }

    public int? ApiErrorStatus { get; set; }

    public static AssistantEnvelope From(AssistantMessage message) => new()
    {
        Message = new AssistantBody
        {
            Id = message.MessageId,
            Model = message.Model,
            Content = message.Content,
            StopReason = message.StopReason,
            Usage = message.Usage,
        },
        ParentToolUseId = message.ParentToolUseId,
        SessionId = message.SessionId,
        Uuid = message.Uuid,
        Error = message.Error,
        ApiErrorStatus = message.ApiErrorStatus,
    };

    public AssistantMessage ToMessage()
    {
        var body = Message ?? throw new JsonException("An assistant frame must have a message object.");
        return new AssistantMessage
        {
            SessionId = SessionId,
            Uuid = Uuid,
            MessageId = body.Id,
            Model = body.Model,
            Content = body.Content ?? [],
            StopReason = body.StopReason,
            Usage = body.Usage,
            ParentToolUseId = ParentToolUseId,
            Error = Error,
            ApiErrorStatus = ApiErrorStatus,
        };
    }
}

/// <summary>The Messages-API message inside an <c>assistant</c> frame.</summary>
internal sealed class AssistantBody
{
    public string? Id { get; set; }

    public string Type => "message";

    public string Role => "assistant";

    public string? Model { get; set; }

    public IReadOnlyList<ContentBlock>? Content { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; set; }

    public Usage? Usage { get; set; }
}

/// <summary>Wire shape of a <c>user</c> frame.</summary>
internal sealed class UserEnvelope
{
    public string Type => "user";

    public UserBody? Message { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ParentToolUseId { get; set; }

    public string? SessionId { get; set; }

    public string? Uuid { get; set; }

    public JsonElement? ToolUseResult { get; set; }

    [JsonPropertyName("isReplay")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool IsReplay { get; set; }

    [JsonPropertyName("isSynthetic")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool IsSynthetic { get; set; }

    public static UserEnvelope From(UserMessage message) => new()
    {
        Message = new UserBody { Content = message.Content },
        ParentToolUseId = message.ParentToolUseId,
        SessionId = message.SessionId,
        Uuid = message.Uuid,
        ToolUseResult = message.ToolUseResult,
        IsReplay = message.IsReplay,
        IsSynthetic = message.IsSynthetic,
    };

    public UserMessage ToMessage()
    {
        var body = Message ?? throw new JsonException("A user frame must have a message object.");
        return new UserMessage
        {
            SessionId = SessionId,
            Uuid = Uuid,
            Content = body.Content ?? [],
            ParentToolUseId = ParentToolUseId,
            ToolUseResult = ToolUseResult,
            IsReplay = IsReplay,
            IsSynthetic = IsSynthetic,
        };
    }
}

/// <summary>The Messages-API user message inside a <c>user</c> frame.</summary>
internal sealed class UserBody
{
    public string Role => "user";

    [JsonConverter(typeof(UserContentConverter))]
    public IReadOnlyList<ContentBlock>? Content { get; set; }
}

/// <summary>Wire shape of a <c>control_response</c> frame.</summary>
internal sealed class ControlResponseEnvelope
{
    public string Type => "control_response";

    public ControlResponseBody? Response { get; set; }

    public static ControlResponseEnvelope From(ControlResponseMessage message) => new()
    {
        Response = new ControlResponseBody
        {
            Subtype = message.Subtype,
            RequestId = message.RequestId,
            Response = message.Response,
            Error = message.Error,
            ErrorCode = message.ErrorCode,
        },
    };

    public ControlResponseMessage ToMessage()
    {
        var body = Response ?? throw new JsonException("A control_response frame must have a response object.");
        return new ControlResponseMessage
        {
            RequestId = body.RequestId ?? throw new JsonException("A control_response must carry a request_id."),
            Subtype = body.Subtype ?? throw new JsonException("A control_response must carry a subtype."),
            Response = body.Response,
            Error = body.Error,
            ErrorCode = body.ErrorCode,
        };
    }
}

/// <summary>The <c>response</c> object of a <c>control_response</c> frame.</summary>
internal sealed class ControlResponseBody
{
    public string? Subtype { get; set; }

    public string? RequestId { get; set; }

    public JsonElement? Response { get; set; }

    public string? Error { get; set; }

    public string? ErrorCode { get; set; }
}
