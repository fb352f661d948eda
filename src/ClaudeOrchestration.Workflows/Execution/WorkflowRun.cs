using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ClaudeOrchestration.Workflows.Execution;

/// <summary>A run this engine executes: its id, its events as they happen, and its result.</summary>
public sealed class WorkflowRun
{
    private readonly ChannelReader<WorkflowEvent> _events;
    private readonly Func<Task<bool>> _cancel;

    internal WorkflowRun(string runId, string workflowName, ChannelReader<WorkflowEvent> events, Task<WorkflowRunResult> completion, Func<Task<bool>> cancel)
    {
        RunId = runId;
        WorkflowName = workflowName;
        _events = events;
        Completion = completion;
        _cancel = cancel;
    }

    /// <summary>The run's id: use it to query, cancel, approve and resume.</summary>
    public string RunId { get; }

    /// <summary>The workflow's name.</summary>
    public string WorkflowName { get; }

    /// <summary>Completes when the run ends (or the engine shuts down, leaving the run resumable).</summary>
    public Task<WorkflowRunResult> Completion { get; }

    /// <summary>
    /// The run's events from its start to its end. One reader: the events are buffered until read.
    /// </summary>
    public async IAsyncEnumerable<WorkflowEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _events.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_events.TryRead(out var @event))
            {
                yield return @event;
            }
        }
    }

    /// <summary>Cancels the run: running nodes (and their Claude processes) are stopped, nothing else starts.</summary>
    public Task<bool> CancelAsync() => _cancel();
}
