using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// Source-generated System.Text.Json metadata for the message types, used by the parser for every line and by
/// the sessions to write stdin frames; internal because hosts never write the wire themselves. Names are snake_case as on the wire, with the wire's
/// camelCase exceptions (<c>permissionMode</c>, <c>modelUsage</c>, <c>isReplay</c>, …) spelled out per property.
/// </summary>
/// <remarks>
/// <see cref="AssistantMessage"/>, <see cref="UserMessage"/> and <see cref="ControlResponseMessage"/> read and write their
/// nested wire shape, so they round-trip through the CLI's format. System messages serialise their typed properties only;
/// the full frame is in <see cref="SystemMessage.Raw"/>.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    MaxDepth = ClaudeMessageParser.MaxDepth)]
[JsonSerializable(typeof(SystemMessage))]
[JsonSerializable(typeof(SystemInitMessage))]
[JsonSerializable(typeof(ApiRetryMessage))]
[JsonSerializable(typeof(PermissionDeniedMessage))]
[JsonSerializable(typeof(SessionStateChangedMessage))]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(CompactBoundaryMessage))]
[JsonSerializable(typeof(HookEventMessage))]
[JsonSerializable(typeof(TaskMessage))]
[JsonSerializable(typeof(AssistantMessage))]
[JsonSerializable(typeof(UserMessage))]
[JsonSerializable(typeof(ResultMessage))]
[JsonSerializable(typeof(StreamEventMessage))]
[JsonSerializable(typeof(ControlRequestMessage))]
[JsonSerializable(typeof(ControlResponseMessage))]
[JsonSerializable(typeof(ControlCancelRequestMessage))]
[JsonSerializable(typeof(KeepAliveMessage))]
[JsonSerializable(typeof(ToolProgressMessage))]
[JsonSerializable(typeof(RateLimitEventMessage))]
[JsonSerializable(typeof(CommandLifecycleMessage))]
[JsonSerializable(typeof(ContentBlock))]
[JsonSerializable(typeof(IReadOnlyList<ContentBlock>))]
[JsonSerializable(typeof(TextBlock))]
[JsonSerializable(typeof(ThinkingBlock))]
[JsonSerializable(typeof(RedactedThinkingBlock))]
[JsonSerializable(typeof(ToolUseBlock))]
[JsonSerializable(typeof(ServerToolUseBlock))]
[JsonSerializable(typeof(ToolResultBlock))]
internal sealed partial class ClaudeMessageJsonContext : JsonSerializerContext;

/// <summary>Metadata for the internal wire envelopes behind the flattened public types.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    MaxDepth = ClaudeMessageParser.MaxDepth)]
[JsonSerializable(typeof(AssistantEnvelope))]
[JsonSerializable(typeof(UserEnvelope))]
[JsonSerializable(typeof(ControlResponseEnvelope))]
internal sealed partial class ClaudeWireJsonContext : JsonSerializerContext;
