namespace ClaudeOrchestration.Core.Tests.Sessions;

/// <summary>
/// A callback body that signals when it starts, then waits until its token is cancelled and signals that too: for tests
/// of how the session cancels callbacks (by the CLI, a timeout or disposal).
/// </summary>
internal sealed class BlockingCallback
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs until <paramref name="token"/> is cancelled, then throws <see cref="OperationCanceledException"/>.</summary>
    public async Task<T> RunAsync<T>(CancellationToken token)
    {
        Entered.SetResult();
        try
        {
            await new TaskCompletionSource().Task.WaitAsync(token);
        }
        catch (OperationCanceledException)
        {
            Cancelled.SetResult();
            throw;
        }

        throw new InvalidOperationException("unreachable");
    }
}
