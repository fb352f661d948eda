using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A <c>type:"stream_event"</c> frame (with <c>--include-partial-messages</c>): one raw Messages-API streaming event,
/// e.g. a <c>content_block_delta</c> carrying a text delta.
/// </summary>
public sealed class StreamEventMessage : ClaudeMessage
{
    private string? _eventType;

    /// <inheritdoc />
    public override string Type => "stream_event";

    /// <summary>The raw event: <c>message_start</c>, <c>content_block_start</c>, <c>content_block_delta</c>, <c>content_block_stop</c>, <c>message_delta</c> or <c>message_stop</c>.</summary>
    public JsonElement Event { get; init; }

    /// <summary>The event's <c>type</c>, read from <see cref="Event"/>; <see langword="null"/> when it has none.</summary>
    [JsonIgnore]
    public string? EventType => _eventType ??= Event.ValueKind == JsonValueKind.Object
        && Event.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
        ? type.GetString()
        : null;

    /// <summary>The Task tool call this belongs to when a subagent produced it.</summary>
    public string? ParentToolUseId { get; init; }
}
