using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Client;

/// <summary>The outcome of one run: the final text or structured output, cost, usage, and how it ended.</summary>
public sealed class ClaudeRunResult
{
    /// <summary>The result subtype: <c>success</c>, <c>error_max_turns</c>, <c>error_max_budget_usd</c>, <c>error_during_execution</c>, …</summary>
    public required string Subtype { get; init; }

    /// <summary>Whether the run ended in error (including a <c>success</c> result that carries an API error).</summary>
    public required bool IsError { get; init; }

    /// <summary>The final text (for an API error, the error text).</summary>
    public string? Text { get; init; }

    /// <summary>The structured output when the run had a JSON schema.</summary>
    public JsonElement? StructuredOutput { get; init; }

    /// <summary>The session id, for <see cref="ClaudeRunOptions.Resume"/>.</summary>
    public required string SessionId { get; init; }

    /// <summary>Total cost in US dollars as the CLI reported it.</summary>
    public decimal TotalCostUsd { get; init; }

    /// <summary>Input tokens (including cache reads and writes).</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Agent turns taken.</summary>
    public int NumTurns { get; init; }

    /// <summary>Wall time the CLI reported for the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Time spent in API calls, as the CLI reported it.</summary>
    public TimeSpan ApiDuration { get; init; }

    /// <summary>Why the run stopped: <c>completed</c>, <c>max_turns</c>, <c>budget_exhausted</c>, <c>api_error</c>, <c>aborted_streaming</c>, …</summary>
    public string? TerminalReason { get; init; }

    /// <summary>The model's last stop reason.</summary>
    public string? StopReason { get; init; }

    /// <summary>The HTTP status of the API error that ended the run, if any.</summary>
    public int? ApiErrorStatus { get; init; }

    /// <summary>Error texts of an error result (e.g. <c>Reached maximum number of turns (1)</c>).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Tool calls that were denied.</summary>
    public IReadOnlyList<PermissionDenial> PermissionDenials { get; init; } = [];

    /// <summary>The result message as received.</summary>
    public required ResultMessage Result { get; init; }

    /// <summary>Every message of the run, in order, ending with <see cref="Result"/>.</summary>
    public IReadOnlyList<ClaudeMessage> Messages { get; init; } = [];

    /// <summary>Returns this result, or throws <see cref="ClaudeResultException"/> when <see cref="IsError"/>.</summary>
    public ClaudeRunResult EnsureSuccess() => IsError ? throw new ClaudeResultException(this) : this;

    /// <summary>Deserialises <see cref="StructuredOutput"/> with source-generated metadata.</summary>
    /// <exception cref="InvalidOperationException">The run has no structured output.</exception>
    public T GetStructuredOutput<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (StructuredOutput is not { } element)
        {
            throw new InvalidOperationException($"The run ({Subtype}) has no structured output; set ClaudeRunOptions.JsonSchema to ask for one.");
        }

        return element.Deserialize(typeInfo)!;
    }

    internal static ClaudeRunResult From(ResultMessage result, IReadOnlyList<ClaudeMessage> messages)
    {
        var usage = result.Usage;
        return new ClaudeRunResult
        {
            Subtype = result.Subtype,
            IsError = result.IsError,
            Text = result.Result,
            StructuredOutput = result.StructuredOutput,
            SessionId = result.SessionId ?? string.Empty,
            TotalCostUsd = result.TotalCostUsd,
            InputTokens = usage is null ? 0 : usage.InputTokens + usage.CacheCreationInputTokens + usage.CacheReadInputTokens,
            OutputTokens = usage?.OutputTokens ?? 0,
            NumTurns = result.NumTurns,
            Duration = TimeSpan.FromMilliseconds(result.DurationMs),
            ApiDuration = TimeSpan.FromMilliseconds(result.DurationApiMs),
            TerminalReason = result.TerminalReason,
            StopReason = result.StopReason,
            ApiErrorStatus = result.ApiErrorStatus,
            Errors = result.Errors ?? [],
            PermissionDenials = result.PermissionDenials ?? [],
            Result = result,
            Messages = messages,
        };
    }
}
