using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// A <c>type:"assistant"</c> frame: model output. The CLI emits one frame per completed content block, so several
/// frames share a <see cref="MessageId"/>; <see cref="StopReason"/> and <see cref="Usage"/> are partial here and final
/// on the <see cref="ResultMessage"/>. The wire nests the Messages-API message under <c>message</c>; this type flattens it.
/// </summary>
/// <remarks>
/// When the API call fails, the CLI emits a synthetic assistant frame with <see cref="Model"/> <c>&lt;synthetic&gt;</c>,
/// the error text as content, and <see cref="Error"/> set.
/// </remarks>
[JsonConverter(typeof(AssistantMessageConverter))]
public sealed class AssistantMessage : ClaudeMessage
{
    /// <inheritdoc />
    public override string Type => "assistant";

    /// <summary>The Messages-API message id (<c>message.id</c>), shared by the frames of one response.</summary>
    public string? MessageId { get; init; }

    /// <summary>The model that produced it (<c>message.model</c>); <c>&lt;synthetic&gt;</c> for CLI-made error messages.</summary>
    public string? Model { get; init; }

    /// <summary>The content blocks of this frame (<c>message.content</c>).</summary>
    public required IReadOnlyList<ContentBlock> Content { get; init; }

    /// <summary>The stop reason (<c>message.stop_reason</c>); usually <see langword="null"/> on streamed frames.</summary>
    public string? StopReason { get; init; }

    /// <summary>Token counts so far (<c>message.usage</c>).</summary>
    public Usage? Usage { get; init; }

    /// <summary>The Task tool call this belongs to when a subagent produced it; <see langword="null"/> for the main agent.</summary>
    public string? ParentToolUseId { get; init; }

    /// <summary>
    /// The error category of a synthetic error message: <c>authentication_failed</c>, <c>billing_error</c>,
    /// <c>rate_limit</c>, <c>invalid_request</c>, <c>server_error</c>, <c>max_output_tokens</c>, <c>unknown</c>, …
    /// </summary>
    public string? Error { get; init; }

    /// <summary>The HTTP status behind a synthetic error message, when there was one.</summary>
    public int? ApiErrorStatus { get; init; }
}
