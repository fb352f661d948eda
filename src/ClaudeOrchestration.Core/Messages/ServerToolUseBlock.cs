using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>A call of a server-side tool run by the API itself, e.g. web search (<c>{"type":"server_tool_use",…}</c>).</summary>
public sealed class ServerToolUseBlock : ContentBlock
{
    /// <inheritdoc />
    public override string Type => "server_tool_use";

    /// <summary>The call id (<c>srvtoolu_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The server tool name, e.g. <c>web_search</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The tool input; undefined when the wire had none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Input { get; init; }
}
