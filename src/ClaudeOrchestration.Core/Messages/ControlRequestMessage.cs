using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A control-protocol request (<c>{"type":"control_request","request_id":…,"request":{"subtype":…,…}}</c>). From the
/// CLI: <c>can_use_tool</c>, <c>hook_callback</c>, <c>mcp_message</c>, <c>elicitation</c>, …, each needing exactly one
/// <see cref="ControlResponseMessage"/> with the same <see cref="RequestId"/>. The payload stays raw in <see cref="Request"/>.
/// </summary>
public sealed class ControlRequestMessage : ClaudeMessage
{
    private string? _subtype;

    /// <inheritdoc />
    public override string Type => "control_request";

    /// <summary>The id to answer with.</summary>
    public required string RequestId { get; init; }

    /// <summary>The request object, including its <c>subtype</c>.</summary>
    public JsonElement Request { get; init; }

    /// <summary>The request's <c>subtype</c>, read from <see cref="Request"/>; <see langword="null"/> when it has none.</summary>
    [JsonIgnore]
    public string? Subtype => _subtype ??= Request.ValueKind == JsonValueKind.Object
        && Request.TryGetProperty("subtype"u8, out var subtype) && subtype.ValueKind == JsonValueKind.String
        ? subtype.GetString()
        : null;
}
