using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// One Messages-API content block of an <see cref="AssistantMessage"/> or <see cref="UserMessage"/>. Blocks whose
/// <c>type</c> has no class of its own (images, documents, future kinds) arrive as <see cref="UnknownContentBlock"/>.
/// </summary>
[JsonConverter(typeof(ContentBlockConverter))]
public abstract class ContentBlock
{
    // Closed at the root for the same reason as ClaudeMessage: unknown kinds become UnknownContentBlock.
    private protected ContentBlock()
    {
    }

    /// <summary>The wire <c>type</c> of the block: <c>text</c>, <c>thinking</c>, <c>tool_use</c>, <c>tool_result</c>, …</summary>
    public abstract string Type { get; }
}
