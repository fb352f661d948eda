using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A control-protocol response: the answer to a <see cref="ControlRequestMessage"/> with the same <see cref="RequestId"/>.
/// The wire nests the fields under <c>response</c>; this type flattens them. Serialising it writes the wire
/// shape (its converter is on the type).
/// </summary>
[JsonConverter(typeof(ControlResponseMessageConverter))]
public sealed class ControlResponseMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "control_response";

    /// <summary>The id of the request this answers.</summary>
    public required string RequestId { get; init; }

    /// <summary><c>success</c> or <c>error</c>.</summary>
    public required string Subtype { get; init; }

    /// <summary>The success payload, if any (e.g. the <c>initialize</c> result or a permission decision).</summary>
    public JsonElement? Response { get; init; }

    /// <summary>The error text of an <c>error</c> response.</summary>
    public string? Error { get; init; }

    /// <summary>A machine-readable error code, e.g. <c>unsupported_request</c>.</summary>
    public string? ErrorCode { get; init; }
}
