using System.Text.Json.Nodes;

namespace ClaudeOrchestration.Testing;

/// <summary>
/// One scripted answer of the <see cref="ScriptedMessagesServer"/>: an assistant message (text, tool calls, thinking) or an
/// Anthropic error response. Instances are immutable; the <c>With…</c> methods return a modified copy, so one reply can be
/// enqueued or returned by a rule any number of times.
/// </summary>
public sealed class ScriptedReply
{
    /// <summary>The name of the tool the CLI adds for <c>--json-schema</c> runs.</summary>
    public const string StructuredOutputToolName = "StructuredOutput";

    /// <summary>Input tokens reported when <see cref="WithUsage"/> was not called.</summary>
    public const int DefaultInputTokens = 100;

    /// <summary>Output tokens reported when <see cref="WithUsage"/> was not called.</summary>
    public const int DefaultOutputTokens = 20;

    // A fixed, well-formed signature: the CLI keeps thinking blocks and sends them back, it does not verify them.
    private const string ThinkingSignature = "c2NyaXB0ZWQtdGhpbmtpbmctc2lnbmF0dXJl";

    private readonly string _description;

    private ScriptedReply(
        string description,
        IReadOnlyList<ReplyBlock> blocks,
        string? stopReason,
        int statusCode,
        string? errorType,
        string? errorMessage,
        TimeSpan delay,
        int inputTokens,
        int outputTokens)
    {
        _description = description;
        Blocks = blocks;
        StopReason = stopReason;
        StatusCode = statusCode;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
        Delay = delay;
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
    }

    /// <summary>The HTTP status of the response: 200 for a message, the error status for an <see cref="Error(int, string, string)"/> reply.</summary>
    public int StatusCode { get; }

    /// <summary>Whether this reply is an HTTP error rather than a message.</summary>
    public bool IsError => StatusCode != 200;

    /// <summary>The <c>stop_reason</c> of the message (<c>end_turn</c>, <c>tool_use</c>, …), or <see langword="null"/> for an error.</summary>
    public string? StopReason { get; }

    /// <summary>How long the server waits before the first byte of the response.</summary>
    public TimeSpan Delay { get; }

    /// <summary>The <c>input_tokens</c> reported in the message usage.</summary>
    public int InputTokens { get; }

    /// <summary>The <c>output_tokens</c> reported in the message usage.</summary>
    public int OutputTokens { get; }

    internal IReadOnlyList<ReplyBlock> Blocks { get; }

    internal string? ErrorType { get; }

    internal string? ErrorMessage { get; }

    /// <summary>A message with one text block that ends the turn (<c>stop_reason:end_turn</c>).</summary>
    /// <param name="text">The assistant's text.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static ScriptedReply Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Message($"Text({Shorten(text)})", [new TextReplyBlock(text)], "end_turn");
    }

    /// <summary>A message that calls one tool (<c>stop_reason:tool_use</c>), optionally after some text.</summary>
    /// <param name="toolName">The tool to call, e.g. <c>Bash</c>, <c>Read</c> or <c>mcp__server__tool</c>.</param>
    /// <param name="input">The tool input, a JSON object; <see langword="null"/> sends <c>{}</c>. It is copied, later changes do not affect the reply.</param>
    /// <param name="leadingText">Text sent as a block before the tool call, or <see langword="null"/> for none.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentException"><paramref name="toolName"/> is empty, or <paramref name="input"/> is not a JSON object.</exception>
    public static ScriptedReply ToolUse(string toolName, JsonNode? input, string? leadingText = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toolName);
        var block = new ToolUseReplyBlock(toolName, ObjectJson(input, nameof(input)));
        IReadOnlyList<ReplyBlock> blocks = leadingText is null ? [block] : [new TextReplyBlock(leadingText), block];
        return Message($"ToolUse({toolName})", blocks, "tool_use");
    }

    /// <summary>
    /// A call of the CLI's <c>StructuredOutput</c> tool, which a <c>--json-schema</c> run turns into <c>structured_output</c> on its
    /// result without another request.
    /// </summary>
    /// <param name="value">The structured value, a JSON object matching the run's schema. It is copied.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a JSON object.</exception>
    public static ScriptedReply StructuredOutput(JsonNode value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var block = new ToolUseReplyBlock(StructuredOutputToolName, ObjectJson(value, nameof(value)));
        return Message("StructuredOutput", [block], "tool_use");
    }

    /// <summary>An HTTP error with an Anthropic error body: <c>{"type":"error","error":{"type":…,"message":…}}</c>.</summary>
    /// <remarks>
    /// A deterministic error (a 4xx other than 408, 409 and 429) fails the whole turn: the CLI re-sends a turn after a 400 (with
    /// fewer beta features), and the server answers those attempts with the same error without using more of the script
    /// (<see cref="ReplySource.Retry"/>). A transient error (408, 409, 429, 5xx) answers one attempt, so
    /// <c>Enqueue(Error(529, …), Text(…))</c> scripts a retry that succeeds when the CLI is allowed retries.
    /// </remarks>
    /// <param name="httpStatus">The status, 400–599 (400, 401, 429 and 529 are the ones the CLI treats specially).</param>
    /// <param name="errorType">The error type, e.g. <c>invalid_request_error</c> or <c>overloaded_error</c>.</param>
    /// <param name="message">The error message.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="httpStatus"/> is not an error status.</exception>
    /// <exception cref="ArgumentException"><paramref name="errorType"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public static ScriptedReply Error(int httpStatus, string errorType, string message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(httpStatus, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(httpStatus, 599);
        ArgumentException.ThrowIfNullOrWhiteSpace(errorType);
        ArgumentNullException.ThrowIfNull(message);
        return new ScriptedReply(
            $"Error({httpStatus} {errorType})", [], null, httpStatus, errorType, message, TimeSpan.Zero, 0, 0);
    }

    /// <summary>An HTTP error whose type is the one the Messages API uses for <paramref name="httpStatus"/> (see <see cref="ErrorTypeFor"/>).</summary>
    /// <param name="httpStatus">The status, 400–599.</param>
    /// <param name="message">The error message.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="httpStatus"/> is not an error status.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public static ScriptedReply Error(int httpStatus, string message) => Error(httpStatus, ErrorTypeFor(httpStatus), message);

    /// <summary>The error type the Messages API sends with a status: 400 <c>invalid_request_error</c>, 401 <c>authentication_error</c>,
    /// 403 <c>permission_error</c>, 404 <c>not_found_error</c>, 413 <c>request_too_large</c>, 429 <c>rate_limit_error</c>,
    /// 529 <c>overloaded_error</c>, other 5xx <c>api_error</c>.</summary>
    /// <param name="httpStatus">The HTTP status.</param>
    /// <returns>The error type.</returns>
    public static string ErrorTypeFor(int httpStatus) => httpStatus switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    /// <summary>Returns a copy that starts with a <c>thinking</c> block (streamed as <c>thinking_delta</c> and <c>signature_delta</c>).</summary>
    /// <param name="thinking">The thinking text.</param>
    /// <returns>The new reply.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="thinking"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">This reply is an error.</exception>
    public ScriptedReply WithThinking(string thinking)
    {
        ArgumentNullException.ThrowIfNull(thinking);
        ThrowIfError(nameof(WithThinking));
        return new ScriptedReply(
            _description + "+thinking", [new ThinkingReplyBlock(thinking, ThinkingSignature), .. Blocks], StopReason, StatusCode,
            ErrorType, ErrorMessage, Delay, InputTokens, OutputTokens);
    }

    /// <summary>
    /// Returns a copy whose response starts only after <paramref name="delay"/>, for interrupt and cancellation tests. The wait
    /// ends early when the client disconnects or the server is disposed, and it runs on <see cref="ScriptedMessagesServerOptions.TimeProvider"/>.
    /// </summary>
    /// <param name="delay">The wait before the first byte; <see cref="Timeout.InfiniteTimeSpan"/> waits until the request is abandoned.</param>
    /// <returns>The new reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not infinite.</exception>
    public ScriptedReply WithDelay(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero && delay != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "The delay must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        return new ScriptedReply(_description, Blocks, StopReason, StatusCode, ErrorType, ErrorMessage, delay, InputTokens, OutputTokens);
    }

    /// <summary>Returns a copy that reports these token counts, so the client computes a cost from them.</summary>
    /// <param name="inputTokens">The <c>input_tokens</c> value.</param>
    /// <param name="outputTokens">The <c>output_tokens</c> value.</param>
    /// <returns>The new reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an error.</exception>
    public ScriptedReply WithUsage(int inputTokens, int outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        ThrowIfError(nameof(WithUsage));
        return new ScriptedReply(_description, Blocks, StopReason, StatusCode, ErrorType, ErrorMessage, Delay, inputTokens, outputTokens);
    }

    /// <summary>Returns a copy with another <c>stop_reason</c>, e.g. <c>max_tokens</c> or <c>refusal</c>.</summary>
    /// <param name="stopReason">The stop reason.</param>
    /// <returns>The new reply.</returns>
    /// <exception cref="ArgumentException"><paramref name="stopReason"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">This reply is an error.</exception>
    public ScriptedReply WithStopReason(string stopReason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stopReason);
        ThrowIfError(nameof(WithStopReason));
        return new ScriptedReply(
            $"{_description} stop={stopReason}", Blocks, stopReason, StatusCode, ErrorType, ErrorMessage, Delay, InputTokens, OutputTokens);
    }

    /// <inheritdoc/>
    public override string ToString() => Delay == TimeSpan.Zero ? _description : $"{_description} after {Delay}";

    private static ScriptedReply Message(string description, IReadOnlyList<ReplyBlock> blocks, string stopReason) =>
        new(description, blocks, stopReason, 200, null, null, TimeSpan.Zero, DefaultInputTokens, DefaultOutputTokens);

    private static string ObjectJson(JsonNode? input, string parameterName) => input switch
    {
        null => "{}",
        JsonObject value => value.ToJsonString(),
        _ => throw new ArgumentException("A tool input must be a JSON object, e.g. new JsonObject { [\"command\"] = \"ls\" }.", parameterName),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private void ThrowIfError(string method)
    {
        if (IsError)
        {
            throw new InvalidOperationException($"{method} applies to message replies; {_description} is an HTTP error without content.");
        }
    }
}
