using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeOrchestration.Messages;

/// <summary>
/// The end of a turn (<c>type:"result"</c>): exactly one per turn. A <c>success</c> subtype with
/// <see cref="IsError"/> set means the API failed (see <see cref="ApiErrorStatus"/>).
/// </summary>
public sealed class ResultMessage : ClaudeMessage
{
    private readonly IReadOnlyDictionary<string, ModelUsage>? _modelUsage;
    private readonly IReadOnlyList<PermissionDenial>? _permissionDenials;
    private readonly IReadOnlyList<string>? _errors;

    /// <inheritdoc />
    public override string Type => "result";

    /// <summary><c>success</c>, <c>error_max_turns</c>, <c>error_max_budget_usd</c>, <c>error_during_execution</c>, <c>error_max_structured_output_retries</c>, …</summary>
    public required string Subtype { get; init; }

    /// <summary>Whether the turn failed; the CLI exits with 1 when the last result is an error.</summary>
    public bool IsError { get; init; }

    /// <summary>Model round trips in the turn (for <c>error_max_turns</c>, the limit plus one).</summary>
    public int NumTurns { get; init; }

    /// <summary>Wall time of the turn in milliseconds, as the CLI measured it.</summary>
    public long DurationMs { get; init; }

    /// <summary>Time spent in API calls in milliseconds.</summary>
    public long DurationApiMs { get; init; }

    /// <summary>The model's last stop reason (<c>end_turn</c>, <c>tool_use</c>, <c>max_tokens</c>, …).</summary>
    public string? StopReason { get; init; }

    /// <summary>Why the turn ended: <c>completed</c>, <c>max_turns</c>, <c>budget_exhausted</c>, <c>api_error</c>, <c>aborted_streaming</c>, …</summary>
    public string? TerminalReason { get; init; }

    /// <summary>
    /// Cost of the session so far in US dollars, as the CLI computed it. A <see cref="decimal"/>, like
    /// <see cref="Client.ClaudeRunResult.TotalCostUsd"/>: the JSON number is parsed exactly, never through <see cref="double"/>.
    /// </summary>
    public decimal TotalCostUsd { get; init; }

    /// <summary>Token totals of the turn; absent on early failures such as resuming an unknown session.</summary>
    public Usage? Usage { get; init; }

    /// <summary>Usage and cost per model (wire <c>modelUsage</c>); empty when absent.</summary>
    [JsonPropertyName("modelUsage")]
    [AllowNull]
    public IReadOnlyDictionary<string, ModelUsage> ModelUsage
    {
        get => _modelUsage ?? ReadOnlyDictionary<string, ModelUsage>.Empty;
        init => _modelUsage = value;
    }

    /// <summary>Tool calls that were denied in the turn; empty when none.</summary>
    [AllowNull]
    public IReadOnlyList<PermissionDenial> PermissionDenials
    {
        get => _permissionDenials ?? [];
        init => _permissionDenials = value;
    }

    /// <summary>The final text; for an API error, the error text; <see langword="null"/> for most error subtypes.</summary>
    public string? Result { get; init; }

    /// <summary>The validated structured output when the run had <c>--json-schema</c>.</summary>
    public JsonElement? StructuredOutput { get; init; }

    /// <summary>The HTTP status of the API error that ended the turn (400, 401, 529, …).</summary>
    public int? ApiErrorStatus { get; init; }

    /// <summary>The API error type (<c>invalid_request_error</c>, <c>overloaded_error</c>, …), when reported.</summary>
    public string? ApiErrorType { get; init; }

    /// <summary>Error texts of an error subtype, e.g. <c>Reached maximum number of turns (1)</c>; empty when none.</summary>
    [AllowNull]
    public IReadOnlyList<string> Errors
    {
        get => _errors ?? [];
        init => _errors = value;
    }
}
