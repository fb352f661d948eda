using System.Text.Json;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A frame whose <c>type</c> has no class of its own (the CLI adds types from release to release), a JSON object
/// without a <c>type</c>, or a known type whose shape did not fit its class. <see cref="Raw"/> keeps the frame exactly as received.
/// </summary>
public sealed class UnknownMessage : ClaudeMessage
{
    private readonly RawJson _raw;

    /// <summary>Wraps a raw frame; <see cref="Type"/> and <see cref="Subtype"/> are read from it.</summary>
    /// <param name="raw">The frame as JSON. It is cloned, so the caller may dispose its document.</param>
    public UnknownMessage(JsonElement raw)
    {
        _raw = new RawJson(raw);
        var element = _raw.Element;
        Type = ReadString(element, "type"u8) ?? string.Empty;
        Subtype = ReadString(element, "subtype"u8);
        SessionId = ReadString(element, "session_id"u8);
        Uuid = ReadString(element, "uuid"u8);
    }

    /// <summary>The frame's <c>type</c>, or an empty string when it had none.</summary>
    public override string Type { get; }

    /// <summary>The frame's <c>subtype</c>, when it has one.</summary>
    public string? Subtype { get; }

    /// <summary>The frame exactly as received.</summary>
    public JsonElement Raw => _raw.Element;

    private static string? ReadString(JsonElement element, ReadOnlySpan<byte> name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
