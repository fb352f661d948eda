using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

// The nested wire shapes of the frames whose public types are flattened. Mutable on purpose: with plain setters the
// generated deserializer fills properties as it meets them instead of buffering constructor arguments.

/// <summary>Wire shape of an <c>assistant</c> frame.</summary>
internal sealed class AssistantEnvelope
{
    public string Type { get; set; } = "assistant";

    public AssistantBody? Message { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ParentToolUseId { get; set; }

    public string? SessionId { get; set; }

    public string? Uuid { get; set; }

    public string? Error { get; set; }

    public int? ApiErrorStatus { get; set; }
}

/// <summary>The Messages-API message inside an <c>assistant</c> frame.</summary>
internal sealed class AssistantBody
{
    public string? Id { get; set; }

    public string Type { get; set; } = "message";

    public string Role { get; set; } = "assistant";

    public string? Model { get; set; }

    public IReadOnlyList<ContentBlock>? Content { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; set; }

    public Usage? Usage { get; set; }
}

/// <summary>Wire shape of a <c>user</c> frame.</summary>
internal sealed class UserEnvelope
{
    public string Type { get; set; } = "user";

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
}

/// <summary>The Messages-API user message inside a <c>user</c> frame.</summary>
internal sealed class UserBody
{
    public string Role { get; set; } = "user";

    [JsonConverter(typeof(UserContentConverter))]
    public IReadOnlyList<ContentBlock>? Content { get; set; }
}

/// <summary>Wire shape of a <c>control_response</c> frame.</summary>
internal sealed class ControlResponseEnvelope
{
    public string Type { get; set; } = "control_response";

    public ControlResponseBody? Response { get; set; }
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
