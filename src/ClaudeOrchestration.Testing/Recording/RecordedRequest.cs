using System.Text.Json;

namespace ClaudeOrchestration.Testing;

/// <summary>One HTTP request the <see cref="ScriptedMessagesServer"/> received, with the parts of a Messages API body tests assert on.</summary>
/// <remarks>
/// Secrets are never kept: the <c>x-api-key</c>, <c>authorization</c>, <c>cookie</c> and <c>proxy-authorization</c> headers are
/// left out of <see cref="Headers"/>; <see cref="HasApiKey"/> only says whether a key was sent. Instances are immutable once
/// they appear in <see cref="ScriptedMessagesServer.Requests"/>; a <c>When</c> rule sees one before its reply is decided.
/// </remarks>
public sealed class RecordedRequest
{
    /// <summary>1-based arrival number, unique per server.</summary>
    public required int Sequence { get; init; }

    /// <summary>The HTTP method, e.g. <c>POST</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The request path, e.g. <c>/v1/messages</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The query string with its leading <c>?</c> (the CLI sends <c>?beta=true</c>), or an empty string.</summary>
    public required string Query { get; init; }

    /// <summary>The request headers (names compared case-insensitively), without the secret-bearing ones.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Whether an <c>x-api-key</c> header or an <c>authorization</c> header was present. Their values are never recorded.</summary>
    public required bool HasApiKey { get; init; }

    /// <summary>The body as text, exactly as received (empty when there was none).</summary>
    public required string RawBody { get; init; }

    /// <summary>The parsed body, or <see langword="null"/> when it was empty or not JSON.</summary>
    public required JsonElement? Body { get; init; }

    /// <summary>The <c>model</c> field of a Messages API body.</summary>
    public required string? Model { get; init; }

    /// <summary>The CLI's session id, read from the JSON in <c>metadata.user_id</c>; <see langword="null"/> for other clients.
    /// Concurrent CLI runs can be told apart by it.</summary>
    public required string? SessionId { get; init; }

    /// <summary>Whether the body asked for <c>"stream":true</c> (an SSE reply).</summary>
    public required bool IsStreaming { get; init; }

    /// <summary>The <c>max_tokens</c> field.</summary>
    public required int? MaxTokens { get; init; }

    /// <summary>The names of the tools the request offers, in request order.</summary>
    public required IReadOnlyList<string> ToolNames { get; init; }

    /// <summary>The system prompt as text: the string form, or the text of its blocks joined with newlines.</summary>
    public required string SystemText { get; init; }

    /// <summary>The <c>messages</c> array, or <see langword="null"/> when the body had none. It may hold <c>"role":"system"</c> entries.</summary>
    public required JsonElement? Messages { get; init; }

    /// <summary>
    /// The newest text the user typed: the text blocks of the newest user message that has any, skipping
    /// <c>&lt;system-reminder&gt;</c> blocks and user messages that only carry tool results. Within one agent turn this stays the
    /// prompt that started the turn, which makes it the natural key for <c>When</c> rules.
    /// </summary>
    /// <remarks>
    /// After an interrupt, the CLI merges the cut-off prompt into the next user message
    /// (<c>"SLOW please\n\n[Request interrupted by user]\n\nhello again"</c>), so a rule on the old prompt matches the next turn too.
    /// Key such rules on <see cref="NewestUserText"/>.
    /// </remarks>
    public required string LatestUserText { get; init; }

    /// <summary>
    /// <see cref="LatestUserText"/> without what an interrupt left in it: the text after the last
    /// <c>[Request interrupted by user]</c> marker (the prompt sent after the interrupt), or all of it when there is no marker.
    /// The safer key for <c>When</c> rules in tests that interrupt turns.
    /// </summary>
    public string NewestUserText { get; init; } = string.Empty;

    /// <summary>Whether the newest user message carries <c>tool_result</c> blocks, i.e. this request continues an agent turn after tool calls.</summary>
    public bool HasToolResults => ToolResults.Count > 0;

    /// <summary>The <c>tool_result</c> blocks of the newest user message, in order.</summary>
    public required IReadOnlyList<RecordedToolResult> ToolResults { get; init; }

    /// <summary>
    /// Whether this is a <c>/v1/messages</c> side call rather than a main-model turn: a request offering no tools (title
    /// generation and similar helpers) or the non-streaming <c>max_tokens:1</c> check the CLI sends after <c>set_model</c>.
    /// </summary>
    public required bool IsSideCall { get; init; }

    /// <summary>The reply that was sent, or <see langword="null"/> for replies that are not scripted (count_tokens, health check).</summary>
    public ScriptedReply? Reply { get; internal set; }

    /// <summary>Which part of the script chose <see cref="Reply"/>.</summary>
    public ReplySource ReplySource { get; internal set; }

    /// <summary>The HTTP status of the response.</summary>
    public int StatusCode { get; internal set; }

    /// <inheritdoc/>
    public override string ToString()
    {
        var summary = $"#{Sequence} {Method} {Path}{Query}";
        if (Model is not null)
        {
            summary += $" model={Model} stream={IsStreaming} tools={ToolNames.Count}";
        }

        return ReplySource == ReplySource.None ? summary : $"{summary} -> {StatusCode} {ReplySource} {Reply}";
    }
}
