using ClaudeOrchestration.Client;
using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Sessions;

/// <summary>
/// A session turn was cancelled by the caller's token. The CLI was interrupted and ended the turn; what it reported for the
/// cut-off turn (cost, usage, the <c>error_during_execution</c> result) is attached, so budget accounting stays exact.
/// </summary>
/// <remarks>
/// Derives from <see cref="OperationCanceledException"/>, so <c>catch (OperationCanceledException)</c> keeps working. The session
/// stays usable after it.
/// </remarks>
public sealed class ClaudeTurnCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="result">The CLI's result for the interrupted turn, or <see langword="null"/> when the prompt was withdrawn before it ran.</param>
    /// <param name="cancellationToken">The caller's cancelled token.</param>
    public ClaudeTurnCanceledException(ResultMessage? result, CancellationToken cancellationToken)
        : base(
            result is null
                ? "The turn was cancelled before the CLI started it (its queued prompt was withdrawn); nothing was spent."
                : $"The turn was cancelled; the CLI ended it with '{result.Subtype}' ({result.TerminalReason}). Its cost and usage are in Result.",
            null,
            cancellationToken)
    {
        Result = result;
        RunResult = result is null ? null : ClaudeRunResult.From(result, [result]);
    }

    /// <summary>
    /// The CLI's result for the interrupted turn (usually <c>error_during_execution</c>, terminal reason
    /// <c>aborted_streaming</c> or <c>aborted_tools</c>), with <see cref="ResultMessage.TotalCostUsd"/> and
    /// <see cref="ResultMessage.Usage"/>; <see langword="null"/> when the prompt was withdrawn before the CLI started it.
    /// </summary>
    public ResultMessage? Result { get; }

    /// <summary>The same result as a <see cref="ClaudeRunResult"/> (cost, tokens, session id), or <see langword="null"/>.</summary>
    public ClaudeRunResult? RunResult { get; }

    /// <summary>The session's cost so far in US dollars as the CLI reported it at the end of this turn, or 0 when none was reported.</summary>
    public decimal TotalCostUsd => Result?.TotalCostUsd ?? 0m;

    /// <summary>The interrupted turn's token usage, or <see langword="null"/>.</summary>
    public Usage? Usage => Result?.Usage;
}
