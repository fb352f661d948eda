using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>A tool call that was denied during a run (an item of <see cref="ResultMessage.PermissionDenials"/>).</summary>
public sealed class PermissionDenial
{
    /// <summary>The tool that was denied, e.g. <c>Read</c>.</summary>
    public required string ToolName { get; init; }

    /// <summary>The id of the denied <see cref="ToolUseBlock"/>.</summary>
    public required string ToolUseId { get; init; }

    /// <summary>The input the model gave the tool.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement ToolInput { get; init; }
}
