namespace ClaudeOrchestration.Mcp;

/// <summary>
/// The <c>_meta</c> keys the Claude Code CLI reads from a tool in <c>tools/list</c>. Set them with
/// <see cref="McpServerToolExtensions"/> or, on attributed methods, with
/// <c>[McpMeta(ClaudeToolMeta.MaxResultSizeChars, 200_000)]</c>.
/// </summary>
/// <remarks>The keys were read from the CLI 2.1.330 binary; they are Claude Code extensions, not part of MCP.</remarks>
public static class ClaudeToolMeta
{
    /// <summary>
    /// <c>anthropic/maxResultSizeChars</c> (number): how many characters of this tool's result the CLI passes to the model.
    /// Without it the CLI 2.1.330 passes at most 50,000 characters: it saves a larger result to a file in the session's
    /// folder and gives the model only a notice with the file's path (and a 2 KB preview). The CLI honours values up to
    /// <see cref="MaxResultSizeCharsCeiling"/>.
    /// </summary>
    public const string MaxResultSizeChars = "anthropic/maxResultSizeChars";

    /// <summary>
    /// <c>anthropic/alwaysLoad</c> (boolean): when <see langword="true"/>, the tool is sent to the model with every request
    /// instead of being deferred until the model finds it with tool search.
    /// </summary>
    public const string AlwaysLoad = "anthropic/alwaysLoad";

    /// <summary><c>anthropic/searchHint</c> (string): a short phrase that helps the model's tool search find a deferred tool.</summary>
    public const string SearchHint = "anthropic/searchHint";

    /// <summary>
    /// The largest <see cref="MaxResultSizeChars"/> the CLI 2.1.330 honours (500,000 characters); a larger value is lowered
    /// to this.
    /// </summary>
    public const int MaxResultSizeCharsCeiling = 500_000;
}
