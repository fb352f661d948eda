using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// The outcome of a tool call, sent back to the model in a <see cref="UserMessage"/>
/// (<c>{"type":"tool_result","tool_use_id":…,"content":…,"is_error":…}</c>).
/// </summary>
public sealed class ToolResultBlock : ContentBlock
{
    private string? _text;

    /// <inheritdoc />
    public override string Type => "tool_result";

    /// <summary>The id of the <see cref="ToolUseBlock"/> this answers.</summary>
    public required string ToolUseId { get; init; }

    /// <summary>
    /// The content exactly as on the wire: a JSON string, or an array of content blocks (e.g. MCP tool output);
    /// undefined when the wire had none. <see cref="Text"/> gives the text either way.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Content { get; init; }

    /// <summary>Whether the tool failed or the call was denied.</summary>
    public bool IsError { get; init; }

    /// <summary>
    /// The text of <see cref="Content"/>: the string itself, or the <c>text</c> blocks of an array joined with newlines;
    /// <see langword="null"/> when there is no text.
    /// </summary>
    [JsonIgnore]
    public string? Text => _text ??= ExtractText(Content);

    private static string? ExtractText(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString();
            case JsonValueKind.Array:
                StringBuilder? builder = null;
                string? single = null;
                foreach (var item in content.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object
                        || !item.TryGetProperty("type"u8, out var type) || !type.ValueEquals("text"u8)
                        || !item.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (single is null && builder is null)
                    {
                        single = text.GetString();
                        continue;
                    }

                    builder ??= new StringBuilder(single);
                    builder.Append('\n').Append(text.GetString());
                }

                return builder?.ToString() ?? single;
            default:
                return null;
        }
    }
}
