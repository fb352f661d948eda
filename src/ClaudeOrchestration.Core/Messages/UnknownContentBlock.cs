using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A content block whose <c>type</c> has no class of its own (image, document, search results, future kinds), or whose
/// shape did not match its class. <see cref="Raw"/> holds the block exactly as received; serialising writes it back unchanged.
/// </summary>
public sealed class UnknownContentBlock : ContentBlock
{
    /// <summary>Wraps a raw block; <see cref="Type"/> is read from its <c>type</c> property.</summary>
    /// <param name="raw">The block as JSON. It is cloned, so the caller may dispose its document.</param>
    public UnknownContentBlock(JsonElement raw)
    {
        Raw = raw.Clone();
        Type = Raw.ValueKind == JsonValueKind.Object && Raw.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : string.Empty;
    }

    /// <summary>The block's <c>type</c>, or an empty string when it had none.</summary>
    public override string Type { get; }

    /// <summary>The block exactly as received.</summary>
    [JsonIgnore]
    public JsonElement Raw { get; }
}
