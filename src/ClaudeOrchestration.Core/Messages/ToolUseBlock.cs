using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>A tool call by the model (<c>{"type":"tool_use","id":…,"name":…,"input":{…}}</c>).</summary>
public sealed class ToolUseBlock : ContentBlock
{
    /// <inheritdoc />
    public override string Type => "tool_use";

    /// <summary>The call id (<c>toolu_…</c>) that the matching <see cref="ToolResultBlock.ToolUseId"/> refers to.</summary>
    public required string Id { get; init; }

    /// <summary>The tool name, e.g. <c>Bash</c>, <c>Read</c> or <c>mcp__server__tool</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The tool input as sent by the model (usually an object); undefined when the wire had none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Input { get; init; }
}
