using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A <c>type:"system"</c> frame. Subtypes with a class of their own derive from this one (<see cref="SystemInitMessage"/>,
/// <see cref="ApiRetryMessage"/>, …); any other subtype (<c>informational</c>, <c>session_title_changed</c>, future
/// ones), or a known subtype whose shape does not fit its class, arrives as a plain <see cref="SystemMessage"/>.
/// Every system message keeps the whole frame in <see cref="Raw"/>, so no field is lost.
/// </summary>
#pragma warning disable RS0022 // ClaudeMessage has no protected members to expose; SystemMessage stays constructible in code (tests, fakes).
public class SystemMessage : ClaudeMessage
#pragma warning restore RS0022
{
    private RawJson? _raw;

    /// <inheritdoc />
    [JsonPropertyOrder(-2)] // derived classes' properties would otherwise come first
    public sealed override string Type => "system";

    /// <summary>The wire <c>subtype</c>: <c>init</c>, <c>status</c>, <c>api_retry</c>, <c>hook_started</c>, …</summary>
    [JsonPropertyOrder(-1)]
    public required string Subtype { get; init; }

    /// <summary>The whole frame as received; default (undefined) when the message was built in code without one.</summary>
    /// <remarks>Parsed on first access and cached; safe to read from several threads.</remarks>
    [JsonIgnore]
    public JsonElement Raw
    {
        get => _raw?.Element ?? default;
        init => _raw = new RawJson(value);
    }

    internal void AttachRaw(byte[] utf8) => _raw = new RawJson(utf8);
}
