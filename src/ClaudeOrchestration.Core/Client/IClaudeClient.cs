using ClaudeOrchestration.Messages;

namespace ClaudeOrchestration.Client;

/// <summary>Runs one-shot tasks on the Claude Code CLI: each task is one CLI process, limited and tracked by the client.</summary>
public interface IClaudeClient
{
    /// <summary>Queued and running tasks, with cancel-by-id.</summary>
    IClaudeTaskRegistry Tasks { get; }

    /// <summary>
    /// Runs <paramref name="prompt"/> to completion and returns its result. An error result (max turns, budget, API error)
    /// is returned with <see cref="ClaudeRunResult.IsError"/> set; call <see cref="ClaudeRunResult.EnsureSuccess"/> to throw instead.
    /// </summary>
    /// <exception cref="ClaudeCliNotFoundException">The CLI is missing.</exception>
    /// <exception cref="ClaudeWorkingDirectoryException">The working directory, an <c>--add-dir</c> or a directory flag in <c>ExtraArgs</c> lies outside the allowed roots.</exception>
    /// <exception cref="DirectoryNotFoundException">The working directory does not exist.</exception>
    /// <exception cref="ClaudeProcessException">The process ended without a result, whatever its exit code (0 included); exit code and redacted stderr tail attached.</exception>
    /// <exception cref="ClaudeProtocolException">The CLI's output broke the protocol (e.g. a line over the size cap).</exception>
    /// <exception cref="TimeoutException">The task's timeout passed; its process tree was stopped.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; its process tree was stopped.</exception>
    Task<ClaudeRunResult> RunAsync(string prompt, ClaudeRunOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="prompt"/> and yields every message as the CLI emits it, ending after the result.
    /// Stopping the enumeration early stops the process tree.
    /// </summary>
    IAsyncEnumerable<ClaudeMessage> StreamAsync(string prompt, ClaudeRunOptions? options = null, CancellationToken cancellationToken = default);
}
