using System.Text.Json.Nodes;
using ModelContextProtocol.Server;

namespace ClaudeOrchestration.Mcp;

/// <summary>Claude Code specific settings for an SDK <see cref="McpServerTool"/>, stored in its <c>_meta</c>.</summary>
public static class McpServerToolExtensions
{
    /// <summary>
    /// Lets the CLI pass up to <paramref name="maxChars"/> characters of this tool's result to the model instead of its
    /// default 50,000 (<see cref="ClaudeToolMeta.MaxResultSizeChars"/>). Set it on any tool that can return more, or the
    /// CLI saves the result to a file and the model sees only a notice with its path.
    /// </summary>
    /// <param name="tool">The tool.</param>
    /// <param name="maxChars">The limit in characters; the CLI 2.1.330 caps it at <see cref="ClaudeToolMeta.MaxResultSizeCharsCeiling"/>.</param>
    /// <returns>The same tool, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxChars"/> is not positive.</exception>
    public static McpServerTool WithMaxResultSizeChars(this McpServerTool tool, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        return tool.WithMeta(ClaudeToolMeta.MaxResultSizeChars, maxChars);
    }

    /// <summary>
    /// Sends this tool to the model with every request instead of deferring it behind tool search
    /// (<see cref="ClaudeToolMeta.AlwaysLoad"/>). Worth it for the few tools a session relies on; each one costs prompt tokens.
    /// </summary>
    /// <param name="tool">The tool.</param>
    /// <param name="alwaysLoad"><see langword="false"/> to mark the tool as explicitly deferred.</param>
    /// <returns>The same tool, for chaining.</returns>
    public static McpServerTool WithAlwaysLoad(this McpServerTool tool, bool alwaysLoad = true)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return tool.WithMeta(ClaudeToolMeta.AlwaysLoad, alwaysLoad);
    }

    /// <summary>Gives tool search a phrase to find this deferred tool by (<see cref="ClaudeToolMeta.SearchHint"/>).</summary>
    /// <param name="tool">The tool.</param>
    /// <param name="hint">A short phrase, e.g. <c>"add two numbers"</c>.</param>
    /// <returns>The same tool, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="hint"/> is empty.</exception>
    public static McpServerTool WithSearchHint(this McpServerTool tool, string hint)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentException.ThrowIfNullOrWhiteSpace(hint);
        return tool.WithMeta(ClaudeToolMeta.SearchHint, hint);
    }

    private static McpServerTool WithMeta(this McpServerTool tool, string key, JsonNode value)
    {
        var protocolTool = tool.ProtocolTool;
        protocolTool.Meta ??= [];
        protocolTool.Meta[key] = value;
        return tool;
    }
}
