using System.Collections.Concurrent;

namespace ClaudeOrchestration.Client;

/// <summary>Where a task is in its life.</summary>
public enum ClaudeTaskState
{
    /// <summary>Waiting for a free process slot.</summary>
    Queued,

    /// <summary>Its CLI process is running.</summary>
    Running,

    /// <summary>Finished (successfully or with an error result).</summary>
    Completed,

    /// <summary>Failed without a result.</summary>
    Failed,

    /// <summary>Cancelled or timed out.</summary>
    Cancelled,
}

/// <summary>A snapshot of one active task.</summary>
public sealed class ClaudeTaskInfo
{
    /// <summary>The task id (given in <see cref="ClaudeRunOptions"/> or generated).</summary>
    public required string Id { get; init; }

    /// <summary>The CLI's process id once it runs.</summary>
    public int? ProcessId { get; init; }

    /// <summary>The task's state.</summary>
    public required ClaudeTaskState State { get; init; }

    /// <summary>When the task was submitted.</summary>
    public required DateTimeOffset QueuedAt { get; init; }

    /// <summary>When its process started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>The tasks of one client that are queued or running, with cancel-by-id.</summary>
/// <remarks>Implement it in a hand-written fake <see cref="IClaudeClient"/>; the real one is internal to <see cref="ClaudeClient"/>.</remarks>
public interface IClaudeTaskRegistry
{
    /// <summary>Queued and running tasks.</summary>
    IReadOnlyList<ClaudeTaskInfo> Active { get; }

    /// <summary>The task with this id, if it is active.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>A snapshot, or <see langword="null"/>.</returns>
    ClaudeTaskInfo? Find(string taskId);

    /// <summary>Cancels an active task: its process tree is stopped.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns><see langword="false"/> when no such task is active.</returns>
    bool Cancel(string taskId);
}

/// <summary>The real <see cref="IClaudeTaskRegistry"/>.</summary>
internal sealed class ClaudeTaskRegistry : IClaudeTaskRegistry
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Queued and running tasks.</summary>
    public IReadOnlyList<ClaudeTaskInfo> Active => [.. _entries.Values.Select(e => e.Snapshot())];

    /// <summary>The task with this id, if it is active.</summary>
    public ClaudeTaskInfo? Find(string taskId) => _entries.TryGetValue(taskId, out var entry) ? entry.Snapshot() : null;

    /// <summary>Cancels an active task: its process tree is stopped. Returns false when no such task is active.</summary>
    public bool Cancel(string taskId)
    {
        if (!_entries.TryGetValue(taskId, out var entry))
        {
            return false;
        }

        entry.Cancel();
        return true;
    }

    internal Entry Register(string taskId, TimeProvider time)
    {
        var entry = new Entry(taskId, time.GetUtcNow());
        if (!_entries.TryAdd(taskId, entry))
        {
            entry.Dispose();
            throw new InvalidOperationException($"A task with id '{taskId}' is already active; task ids must be unique among active tasks.");
        }

        return entry;
    }

    internal void Remove(Entry entry)
    {
        _entries.TryRemove(new KeyValuePair<string, Entry>(entry.Id, entry));
        entry.Dispose();
    }

    internal sealed class Entry(string id, DateTimeOffset queuedAt) : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();
        private volatile int _state = (int)ClaudeTaskState.Queued;
        private int? _processId;
        private DateTimeOffset? _startedAt;

        public string Id { get; } = id;

        public CancellationToken CancellationToken => _cancel.Token;

        public void Running(int processId, DateTimeOffset at)
        {
            _processId = processId;
            _startedAt = at;
            _state = (int)ClaudeTaskState.Running;
        }

        public void Finished(ClaudeTaskState state) => _state = (int)state;

        public void Cancel()
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished in between.
            }
        }

        public ClaudeTaskInfo Snapshot() => new()
        {
            Id = Id,
            ProcessId = _processId,
            State = (ClaudeTaskState)_state,
            QueuedAt = queuedAt,
            StartedAt = _startedAt,
        };

        public void Dispose() => _cancel.Dispose();
    }
}
